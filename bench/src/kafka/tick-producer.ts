import { KAFKAJS_PRODUCER_OPTIONS, KAFKAJS_SEND_OPTIONS } from '@gateway/messaging/kafka-settings';
import { Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';

/**
 * A kafkajs producer that sends everything added in one event-loop turn as one `sendBatch`
 * (acks from all in-sync replicas, the kafkajs default, as the services use). A failed batch
 * reports the ids it carried.
 */
export class TickProducer {
  private readonly producer: Producer;
  private queue = new Map<string, Message[]>();
  private ids: string[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    kafka: Kafka,
    private readonly onFailure: (ids: string[], error: Error) => void,
  ) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      ...KAFKAJS_PRODUCER_OPTIONS,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Queues `message` on `topic` for this turn's batch; `id` names it in a failure report. */
  add(id: string, topic: string, message: Message): void {
    let list = this.queue.get(topic);
    if (!list) this.queue.set(topic, (list = []));
    list.push(message);
    this.ids.push(id);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const topicMessages: TopicMessages[] = [...this.queue].map(([topic, messages]) => ({ topic, messages }));
    const ids = this.ids;
    this.queue = new Map();
    this.ids = [];
    if (topicMessages.length === 0) return;
    const sending = this.producer.sendBatch({ topicMessages, ...KAFKAJS_SEND_OPTIONS }).then(
      () => undefined,
      (error: Error) => this.onFailure(ids, error),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.producer.disconnect();
  }
}
