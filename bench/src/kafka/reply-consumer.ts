import { KAFKAJS_CONSUMER_OPTIONS } from '@gateway/messaging/kafka-settings';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a fresh reply topic from its beginning with a group of its own and hands every message to
 * `onMessage`; `start` resolves once the group is joined (so nothing sent afterwards is missed).
 */
export class ReplyConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly onMessage: (message: KafkaMessage) => void,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 100,
      ...KAFKAJS_CONSUMER_OPTIONS,
    });
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reply consumer of ${this.topic} did not join within ${timeoutMs} ms`)), timeoutMs);
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.onMessage(message);
      },
    });
    await joined;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
