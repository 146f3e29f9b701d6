import type { Kafka } from 'kafkajs';
import { ReplyConsumer } from '../kafka/reply-consumer';
import { TickProducer } from '../kafka/tick-producer';
import type { FloorLoadClient, FloorLoadHandlers, FloorMessage } from './load-client';

/** The floor's load side on kafkajs: `TickProducer` (one `sendBatch` per turn) and `ReplyConsumer`. */
export class KafkajsLoadClient implements FloorLoadClient {
  private producer: TickProducer | undefined;
  private replies: ReplyConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly replyTopic: string,
    private readonly groupId: string,
  ) {}

  async start(handlers: FloorLoadHandlers): Promise<void> {
    this.producer = new TickProducer(this.kafka, handlers.onFailure);
    this.replies = new ReplyConsumer(this.kafka, this.replyTopic, (m) => handlers.onEcho(m.key?.toString('utf8')), this.groupId);
    await this.producer.connect();
    await this.replies.start();
  }

  add(id: string, topic: string, message: FloorMessage): void {
    this.producer?.add(id, topic, { key: message.key, value: message.value, headers: { 'reply-to': message.replyTo } });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.replies?.stop()]);
  }
}
