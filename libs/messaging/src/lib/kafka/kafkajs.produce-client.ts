import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { ProduceClient } from '../ports/kafka-transport.port';
import type { OutgoingMessage } from '../ports/publisher.port';
import { KAFKAJS_PRODUCER_OPTIONS, KAFKAJS_SEND_OPTIONS } from './kafkajs.options';
import { KeyHashPartitioner } from './key-hash.partitioner';

/** A kafkajs producer as a {@link ProduceClient}: one `sendBatch` per call, keys hashed as Kafka's clients do. */
export class KafkajsProduceClient implements ProduceClient {
  private readonly producer: Producer;
  private isConnected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ createPartitioner: KeyHashPartitioner, allowAutoTopicCreation: false, ...KAFKAJS_PRODUCER_OPTIONS });
    this.producer.on(this.producer.events.CONNECT, () => (this.isConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.isConnected = false));
  }

  get connected(): boolean {
    return this.isConnected;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, (list = []));
      const message: Message = { key: m.key, value: m.value };
      if (m.headers) message.headers = m.headers;
      if (m.partition !== undefined) message.partition = m.partition;
      list.push(message);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
    await this.producer.sendBatch({ topicMessages, acks: -1, ...KAFKAJS_SEND_OPTIONS });
  }

  isRefusal(error: unknown): boolean {
    return (error as { retriable?: boolean } | undefined)?.retriable === false;
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
