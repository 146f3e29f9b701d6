import type { AggregatorClock } from '../aggregator/scatter-gather.aggregator';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A manual {@link AggregatorClock} for unit tests: time moves only with `advance`, which fires every
 * timer that falls due (in order), so no test waits on real time.
 */
export class FakeClock implements AggregatorClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }
}
