import type { KafkaLoadClient } from '../kafka/load-client';
import type { Outcome, Target } from '../load/target';
import { PAYLOAD } from './classify';

interface Waiting {
  done: (outcome: Outcome) => void;
  echoes: number;
}

/**
 * The floor: the same message as a gateway request produced to each of `requestTopics` (one: one
 * hop; three: the fan-out), echoed by the echo processes to its `reply-to` header, `replyTopic`; a request is answered
 * when one echo per request topic came back. The client (kafkajs or @platformatic/kafka) is behind
 * `KafkaLoadClient`: same batching, same broker, same bookkeeping.
 */
export class FloorTarget implements Target {
  private readonly pending = new Map<string, Waiting>();
  private unmatched = 0;

  constructor(
    readonly name: string,
    private readonly client: KafkaLoadClient,
    private readonly requestTopics: string[],
    private readonly replyTopic: string,
  ) {}

  start(): Promise<void> {
    return this.client.start({
      onReply: (key) => this.onEcho(key),
      onFailure: (ids, error) => {
        for (const id of new Set(ids)) this.fail(id, `produce failed: ${error.message}`);
      },
    });
  }

  send(id: string, done: (outcome: Outcome) => void): void {
    this.pending.set(id, { done, echoes: 0 });
    const value = JSON.stringify({ uid: id, payload: PAYLOAD });
    for (const topic of this.requestTopics) this.client.add(id, topic, { key: id, value, replyTo: this.replyTopic });
  }

  private onEcho(id: string | undefined): void {
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
    await this.client.stop();
  }
}
