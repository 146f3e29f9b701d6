import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Outcome, Target } from '../load/target';
import { ReplyConsumer } from '../kafka/reply-consumer';
import { TickProducer } from '../kafka/tick-producer';
import { PAYLOAD } from './classify';

interface Waiting {
  done: (outcome: Outcome) => void;
  echoes: number;
}

/**
 * The floor: the same message as a gateway request produced to each of `requestTopics` (one: one
 * hop; three: the fan-out), echoed by the echo processes to its `reply-to` header, `replyTopic`; a request is answered
 * when one echo per request topic came back. Same client, same batching, same broker.
 */
export class FloorTarget implements Target {
  private readonly pending = new Map<string, Waiting>();
  private readonly producer: TickProducer;
  private readonly replies: ReplyConsumer;
  private unmatched = 0;

  constructor(
    readonly name: string,
    kafka: Kafka,
    private readonly requestTopics: string[],
    private readonly replyTopic: string,
    groupId: string,
  ) {
    this.producer = new TickProducer(kafka, (ids, error) => {
      for (const id of new Set(ids)) this.fail(id, `produce failed: ${error.message}`);
    });
    this.replies = new ReplyConsumer(kafka, replyTopic, (message) => this.onEcho(message), groupId);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.replies.start();
  }

  send(id: string, done: (outcome: Outcome) => void): void {
    this.pending.set(id, { done, echoes: 0 });
    const value = JSON.stringify({ uid: id, payload: PAYLOAD });
    for (const topic of this.requestTopics) this.producer.add(id, topic, { key: id, value, headers: { 'reply-to': this.replyTopic } });
  }

  private onEcho(message: KafkaMessage): void {
    const id = message.key?.toString('utf8');
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || !waiting) {
      this.unmatched++;
      return;
    }
    waiting.echoes++;
    if (waiting.echoes >= this.requestTopics.length) {
      this.pending.delete(id);
      waiting.done({ kind: 'ok' });
    }
  }

  private fail(id: string, detail: string): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    waiting.done({ kind: 'error', detail });
  }

  reset(): void {
    this.pending.clear();
  }

  takeUnmatched(): number {
    const n = this.unmatched;
    this.unmatched = 0;
    return n;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.replies.stop()]);
  }
}
