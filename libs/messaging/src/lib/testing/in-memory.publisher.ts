import type { OutgoingMessage, Publisher } from '../ports/publisher.port';

/**
 * An in-memory {@link Publisher} for unit tests: records every message it accepts, can be told to
 * refuse sends, and lets a test wait until a number of messages was published.
 */
export class InMemoryPublisher implements Publisher {
  readonly messages: OutgoingMessage[] = [];
  /** How many times `publish` was called (including refused calls). */
  calls = 0;
  private failure: Error | undefined;
  private waiters: Array<{ count: number; wake: () => void }> = [];

  /** Makes every following `publish` reject with `error` (or succeed again with `undefined`). */
  failWith(error: Error | undefined): void {
    this.failure = error;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.calls++;
    if (this.failure) throw this.failure;
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
