import { Producer, type MessageToProduce } from '@platformatic/kafka';
import type { ProduceClient } from '../ports/kafka-transport.port';
import type { OutgoingMessage } from '../ports/publisher.port';
import { murmur2 } from './key-hash.partitioner';
import type { KafkaConnection } from '../security/kafka-security';
import { guardMetadataLookups } from './platformatic.metadata-guard';
import { platformaticBaseOptions, PLATFORMATIC_SEND_OPTIONS } from './platformatic.options';

type Bytes = string | Buffer;
type PlatformaticMessage = MessageToProduce<Bytes, Bytes, string, string>;

const toBuffer = (data?: Bytes): Buffer | undefined =>
  data === undefined ? undefined : Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');

/**
 * A @platformatic/kafka producer as a {@link ProduceClient}: one `send` per call (one produce
 * request per broker), acks from all in-sync replicas ({@link PLATFORMATIC_SEND_OPTIONS}), not idempotent (delivery is at-least-once
 * end to end anyway, docs/guarantees.md). A key's partition is Kafka's (murmur2, positive, modulo
 * the partition count — the producer applies the modulo), as with kafkajs and the Java client.
 */
export class PlatformaticProduceClient implements ProduceClient {
  private readonly producer: Producer<Bytes, Bytes, string, string>;

  constructor(connection: KafkaConnection, clientId: string) {
    this.producer = new Producer<Bytes, Bytes, string, string>({
      ...platformaticBaseOptions(connection, clientId),
      idempotent: false,
      autocreateTopics: false,
      serializers: { key: toBuffer, value: toBuffer, headerKey: toBuffer, headerValue: toBuffer },
      partitioner: (_message, key) => (key ? murmur2(key) & 0x7fffffff : Math.floor(Math.random() * 0x7fffffff)),
    });
    guardMetadataLookups(this.producer);
  }

  get connected(): boolean {
    return this.producer.isConnected();
  }

  async connect(): Promise<void> {
    await this.producer.connectToBrokers();
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    await this.producer.send({ ...PLATFORMATIC_SEND_OPTIONS, messages: messages.map(toPlatformatic) });
  }

  isRefusal(error: unknown): boolean {
    // A protocol error the broker marks as not worth retrying (MESSAGE_TOO_LARGE, INVALID_RECORD …).
    const found = (error as { findBy?: (property: string, value: unknown) => unknown } | undefined)?.findBy?.('canRetry', false);
    return Boolean(found);
  }

  async disconnect(): Promise<void> {
    await this.producer.close();
  }
}

function toPlatformatic(m: OutgoingMessage): PlatformaticMessage {
  const message: PlatformaticMessage = { topic: m.topic };
  if (m.key !== null) message.key = m.key;
  if (m.value !== null) message.value = m.value;
  if (m.headers) message.headers = m.headers;
  if (m.partition !== undefined) message.partition = m.partition;
  return message;
}
