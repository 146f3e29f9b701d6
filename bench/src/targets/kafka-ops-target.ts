import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Outcome, Target } from '../load/target';
import { ReplyConsumer } from '../kafka/reply-consumer';
import { TickProducer } from '../kafka/tick-producer';
import { classifyAnswer, PAYLOAD } from './classify';

/**
 * ops over Kafka: each request goes to (prefixed) `ops.req` (key = uid, header `reply-to` = the bench's own
 * reply topic), one `sendBatch` per event-loop turn; answers are matched by uid on the reply topic.
 */
export class KafkaOpsTarget implements Target {
  readonly name = 'kafka';
  private readonly pending = new Map<string, (outcome: Outcome) => void>();
  private readonly producer: TickProducer;
  private readonly replies: ReplyConsumer;
  private unmatched = 0;

  constructor(
    kafka: Kafka,
    /** `ops.req`, with the services' topic prefix. */
    private readonly requestTopic: string,
    private readonly replyTopic: string,
    groupId: string,
  ) {
    this.producer = new TickProducer(kafka, (ids, error) => {
      for (const id of ids) this.settle(id, { kind: 'error', detail: `produce failed: ${error.message}` });
    });
    this.replies = new ReplyConsumer(kafka, replyTopic, (message) => this.onReply(message), groupId);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.replies.start();
  }

  send(id: string, done: (outcome: Outcome) => void): void {
    this.pending.set(id, done);
    this.producer.add(id, this.requestTopic, {
      key: id,
      value: JSON.stringify({ uid: id, payload: PAYLOAD }),
      headers: { 'reply-to': this.replyTopic },
    });
  }

  private onReply(message: KafkaMessage): void {
    const body = message.value?.toString('utf8') ?? '';
    const uid = message.key?.toString('utf8') ?? uidOf(body);
    if (uid === undefined || !this.settle(uid, classifyAnswer(body))) this.unmatched++;
  }

  private settle(uid: string, outcome: Outcome): boolean {
    const done = this.pending.get(uid);
    if (!done) return false;
    this.pending.delete(uid);
    done(outcome);
    return true;
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

function uidOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { uid?: unknown };
    return typeof value.uid === 'string' ? value.uid : undefined;
  } catch {
    return undefined;
  }
}
