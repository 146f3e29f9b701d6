import type { Kafka } from 'kafkajs';
import { ReplyConsumer } from './reply-consumer';
import { TickProducer } from './tick-producer';
import type { KafkaLoadClient, LoadHandlers, LoadMessage } from './load-client';

/** The load side on kafkajs: `TickProducer` (one `sendBatch` per turn) and `ReplyConsumer`. */
export class KafkajsLoadClient implements KafkaLoadClient {
  private producer: TickProducer | undefined;
  private replies: ReplyConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly replyTopic: string,
    private readonly groupId: string,
  ) {}

  async start(handlers: LoadHandlers): Promise<void> {
    this.producer = new TickProducer(this.kafka, handlers.onFailure);
    this.replies = new ReplyConsumer(this.kafka, this.replyTopic, (m) => handlers.onReply(m.key?.toString('utf8'), m.value), this.groupId);
    await this.producer.connect();
    await this.replies.start();
  }

  add(id: string, topic: string, message: LoadMessage): void {
    this.producer?.add(id, topic, { key: message.key, value: message.value, headers: { 'reply-to': message.replyTo } });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.replies?.stop()]);
  }
}
