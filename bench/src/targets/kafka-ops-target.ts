import type { KafkaLoadClient } from '../kafka/load-client';
import type { Outcome, Target } from '../load/target';
import { classifyAnswer, PAYLOAD } from './classify';

/**
 * ops over Kafka: each request goes to (prefixed) `ops.req` (key = uid, header `reply-to` = the bench's own
 * reply topic), one produce request per event-loop turn; answers are matched by uid on the reply topic.
 * The client (kafkajs or @platformatic/kafka) is behind `KafkaLoadClient`, as the floor's.
 */
export class KafkaOpsTarget implements Target {
  readonly name = 'kafka';
  private readonly pending = new Map<string, (outcome: Outcome) => void>();
  private unmatched = 0;

  constructor(
    private readonly client: KafkaLoadClient,
    /** `ops.req`, with the services' topic prefix. */
    private readonly requestTopic: string,
    private readonly replyTopic: string,
  ) {}

  start(): Promise<void> {
    return this.client.start({
      onReply: (key, value) => this.onReply(key, value),
      onFailure: (ids, error) => {
        for (const id of ids) this.settle(id, { kind: 'error', detail: `produce failed: ${error.message}` });
      },
    });
  }

  send(id: string, done: (outcome: Outcome) => void): void {
    this.pending.set(id, done);
    this.client.add(id, this.requestTopic, { key: id, value: JSON.stringify({ uid: id, payload: PAYLOAD }), replyTo: this.replyTopic });
  }

  private onReply(key: string | undefined, value: Buffer | null): void {
    const body = value?.toString('utf8') ?? '';
    const uid = key || uidOf(body);
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

  stop(): Promise<void> {
    return this.client.stop();
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
