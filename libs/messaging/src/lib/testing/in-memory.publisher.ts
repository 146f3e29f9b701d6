import type { OutgoingMessage, PublishOptions, Publisher } from '../ports/publisher.port';

/**
 * An in-memory {@link Publisher} for unit tests: records every message it accepts, can be told to
 * refuse sends, and lets a test wait until a number of messages was published.
 */
export class InMemoryPublisher implements Publisher {
  readonly messages: OutgoingMessage[] = [];
  /** How many times `publish` was called (including refused calls). */
  calls = 0;
  /** The options of every call, in order. */
  readonly options: PublishOptions[] = [];
  private failure: Error | undefined;
  private failingTopics: Set<string> | undefined;
  private waiters: Array<{ count: number; wake: () => void }> = [];

  /**
   * Makes every following `publish` reject with `error` (or succeed again with `undefined`); with
   * `topics`, only a publish with a message for one of them (a partition without a leader).
   */
  failWith(error: Error | undefined, topics?: string[]): void {
    this.failure = error;
    this.failingTopics = topics ? new Set(topics) : undefined;
  }

  async publish(messages: OutgoingMessage[], options: PublishOptions = {}): Promise<void> {
    this.calls++;
    this.options.push(options);
    const failing = this.failingTopics;
    if (this.failure && (!failing || messages.some((m) => failing.has(m.topic)))) throw this.failure;
    this.messages.push(...messages);
    this.waiters = this.waiters.filter((w) => {
      if (this.messages.length < w.count) return true;
      w.wake();
      return false;
    });
  }

  /** Resolves once at least `count` messages were published in all. */
  waitForMessages(count: number): Promise<OutgoingMessage[]> {
    if (this.messages.length >= count) return Promise.resolve(this.messages.slice());
    return new Promise((resolve) => this.waiters.push({ count, wake: () => resolve(this.messages.slice()) }));
  }
}
