import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaClientName, KafkaTransport } from '../ports/kafka-transport.port';
import type { TopicAdmin } from '../ports/topic-admin.port';
import type { KafkaConnection, KafkaSecurity } from '../security/kafka-security';
import { createKafka } from './kafka-client';
import { KafkajsConsumerSource } from './kafkajs.consumer-source';
import { KafkajsProduceClient } from './kafkajs.produce-client';
import { KafkajsTopicAdmin } from './kafkajs.topic-admin';
import { PlatformaticConsumerSource } from './platformatic.consumer-source';
import { PlatformaticProduceClient } from './platformatic.produce-client';
import { PlatformaticTopicAdmin } from './platformatic.topic-admin';

/** Options of {@link createKafkaTransport}. */
export interface KafkaTransportOptions {
  /** The client library for producing, consuming and topic administration (KAFKA_CLIENT). */
  client: KafkaClientName;
  brokers: string[];
  /** TLS and SASL (KAFKA_SECURITY_PROTOCOL …); default PLAINTEXT. */
  security?: KafkaSecurity;
  clientId: string;
  logger: Logger;
}

/**
 * The Kafka client a service works with: kafkajs or @platformatic/kafka behind the same ports
 * (docs/architecture.md). Only the chosen library is loaded.
 */
export function createKafkaTransport(options: KafkaTransportOptions): KafkaTransport {
  return options.client === 'platformatic'
    ? platformaticTransport(connectionOf(options), options.clientId)
    : kafkajsTransport(createKafka(options));
}

/** Topic administration alone on the chosen client (a service whose clients run on a Kafka thread keeps it on its own thread). */
export function createTopicAdmin(options: KafkaTransportOptions): TopicAdmin {
  return options.client === 'platformatic'
    ? new PlatformaticTopicAdmin(connectionOf(options), options.clientId)
    : new KafkajsTopicAdmin(createKafka(options));
}

function connectionOf({ brokers, security }: KafkaTransportOptions): KafkaConnection {
  return { brokers, ...(security ? { security } : {}) };
}

function platformaticTransport(connection: KafkaConnection, clientId: string): KafkaTransport {
  let consumers = 0;
  return {
    client: 'platformatic',
    admin: new PlatformaticTopicAdmin(connection, clientId),
    createProducer: () => new PlatformaticProduceClient(connection, clientId),
    createConsumerSource: (source) =>
      new PlatformaticConsumerSource(connection, `${clientId}-c${++consumers}`, source, staticMemberId(clientId, source.groupId)),
  };
}

/** kafkajs behind the ports, on a client made elsewhere (as a test or the bench may make one). */
export function kafkajsTransport(kafka: Kafka): KafkaTransport {
  return {
    client: 'kafkajs',
    admin: new KafkajsTopicAdmin(kafka),
    createProducer: () => new KafkajsProduceClient(kafka),
    createConsumerSource: (source) => new KafkajsConsumerSource(kafka, source),
  };
}

/**
 * The group.instance.id of this process's consumer in a group (static membership, KIP-345): the
 * same for every consumer the process builds again after a crash, so the broker hands the new one
 * the old one's place at once instead of waiting for its session to time out.
 */
export function staticMemberId(clientId: string, groupId: string): string {
  return `${clientId}.${groupId}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 249);
}
