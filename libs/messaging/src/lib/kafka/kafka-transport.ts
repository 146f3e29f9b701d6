import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaClientName, KafkaTransport } from '../ports/kafka-transport.port';
import { createKafka } from './kafka-client';
import { KafkajsConsumerSource } from './kafkajs.consumer-source';
import { KafkajsProduceClient } from './kafkajs.produce-client';
import { PlatformaticConsumerSource } from './platformatic.consumer-source';
import { PlatformaticProduceClient } from './platformatic.produce-client';

/** Options of {@link createKafkaTransport}. */
export interface KafkaTransportOptions {
  /** The client library for producing and consuming (KAFKA_CLIENT). */
  client: KafkaClientName;
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/**
 * The Kafka client a service produces and consumes with: kafkajs or @platformatic/kafka behind
 * the same ports (docs/architecture.md). Topic administration uses kafkajs either way.
 */
export function createKafkaTransport(options: KafkaTransportOptions): KafkaTransport {
  const kafka = createKafka(options);
  const { brokers, clientId } = options;
  if (options.client === 'platformatic') {
    let consumers = 0;
    return {
      client: 'platformatic',
      kafka,
      createProducer: () => new PlatformaticProduceClient(brokers, clientId),
      createConsumerSource: (source) =>
        new PlatformaticConsumerSource(brokers, `${clientId}-c${++consumers}`, source, staticMemberId(clientId, source.groupId)),
    };
  }
  return kafkajsTransport(kafka);
}

/** kafkajs behind the ports, on a client made elsewhere (as the OpsClient is given one). */
export function kafkajsTransport(kafka: Kafka): KafkaTransport {
  return {
    client: 'kafkajs',
    kafka,
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
