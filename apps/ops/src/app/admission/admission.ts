import type { AggregatorClock } from '@gateway/messaging';
import type { LimitWindow } from './gradient-limit';
import { percentileOf } from '../percentile';

/** What decides the limit: {@link GradientLimit} (adaptive) or a fixed number (`OPS_ADMISSION=fixed`). */
export interface ConcurrencyLimit {
  readonly limit: number;
  /** Takes one window's measurement; returns the new limit. */
  update(window: LimitWindow): number;
}

/** A fixed limit: the window is ignored. */
export class FixedLimit implements ConcurrencyLimit {
  constructor(readonly limit: number) {}
  update(): number {
    return this.limit;
  }
}

/** Options of {@link Admission}. */
export interface AdmissionOptions {
  limit: ConcurrencyLimit;
  clock?: AggregatorClock;
  /** A window closes after this many ms … (default 100) */
  windowMs?: number;
  /** … once it holds at least this many latencies (default 10). */
  minSamples?: number;
  /** The window's latency is this percentile of its samples (default 0.9). */
  percentile?: number;
  /**
   * The share of the limit that waiters ({@link Admission.acquire}) leave to requests that cannot
   * wait ({@link Admission.tryAcquire}: HTTP), so that an `ops.req` backlog does not lock HTTP out
   * (default 0.1; rounded down, so a limit under 10 reserves nothing).
   */
  reservedForImmediate?: number;
  /** Called after every window with the new limit (metrics). */
  onWindow?: (limit: number, window: LimitWindow) => void;
}

/** How a permit's request ended, for the limit: a latency to learn from, or nothing to learn. */
export type PermitOutcome = 'measured' | 'ignored';

/** The right to run one request; released exactly once (a second release is a no-op). */
export interface Permit {
  release(outcome: PermitOutcome): void;
}

interface Waiter {
  grant: (permit: Permit | undefined) => void;
  timer: unknown;
}

const realClock: AggregatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Admission in front of the aggregator (contract §8): at most `limit` requests run at once. HTTP
 * asks with {@link tryAcquire} and is refused at once beyond the limit; the `ops.req` consumer
 * {@link acquire}s and waits, first come first served, until a permit frees or its deadline
 * passes. Every measured release feeds the latency of a window to the limit, which is how an
 * adaptive limit learns.
 */
export class Admission {
  private running = 0;
  private readonly waiters: Waiter[] = [];
  private readonly clock: AggregatorClock;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private readonly percentile: number;
  private samples: number[] = [];
  private windowStart: number;
  private windowPeak = 0;
  private closed = false;
  private readonly reserved: number;

  constructor(private readonly options: AdmissionOptions) {
    this.clock = options.clock ?? realClock;
    this.windowMs = options.windowMs ?? 100;
    this.minSamples = options.minSamples ?? 10;
    this.percentile = options.percentile ?? 0.9;
    if (!(this.windowMs > 0 && this.minSamples >= 1 && this.percentile > 0 && this.percentile <= 1)) {
      throw new RangeError('admission window settings out of range');
    }
    this.reserved = options.reservedForImmediate ?? 0.1;
    if (!(this.reserved >= 0 && this.reserved < 1)) throw new RangeError('reservedForImmediate must be in [0, 1)');
    this.windowStart = this.clock.now();
  }

  /** The limit now. */
  get limit(): number {
    return this.options.limit.limit;
  }

  /** Requests holding a permit. */
  get inFlight(): number {
    return this.running;
  }

  /** Requests waiting for a permit (`ops.req` only). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** A permit now, or undefined when the limit is reached or admission closed. */
  tryAcquire(): Permit | undefined {
    if (this.closed || this.running >= this.limit) return undefined;
    return this.grant();
  }

  /**
   * A permit as soon as one frees (first come first served), or undefined once `untilMs` (on the
   * clock) passes or admission closes. Never rejects.
   */
  acquire(untilMs: number): Promise<Permit | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.waiters.length === 0 && this.running < this.waiterLimit()) return Promise.resolve(this.grant());
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: this.clock.setTimeout(
          () => {
            const at = this.waiters.indexOf(waiter);
            if (at >= 0) this.waiters.splice(at, 1);
            resolve(undefined);
          },
          Math.max(0, untilMs - this.clock.now()),
        ),
      };
      this.waiters.push(waiter);
    });
  }

  /** Refuses every permit from now on; those waiting get none. Permits held stay valid. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      this.clock.clearTimeout(waiter.timer);
      waiter.grant(undefined);
    }
  }

  private grant(): Permit {
    this.running++;
    if (this.running > this.windowPeak) this.windowPeak = this.running;
    const admittedAt = this.clock.now();
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.running--;
        if (outcome === 'measured') this.measure(this.clock.now() - admittedAt);
        this.wakeWaiters();
      },
    };
  }

  /** How many permits may be out when a waiter is to get one: the limit less the reserve. */
  private waiterLimit(): number {
    const limit = this.limit;
    return limit - Math.floor(limit * this.reserved);
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.running < this.waiterLimit() && !this.closed) {
      const waiter = this.waiters.shift() as Waiter;
      this.clock.clearTimeout(waiter.timer);
      waiter.grant(this.grant());
    }
  }

  private measure(latencyMs: number): void {
    this.samples.push(latencyMs);
    const now = this.clock.now();
    if (now - this.windowStart < this.windowMs || this.samples.length < this.minSamples) return;
    const window: LimitWindow = {
      latencyMs: Math.max(0.01, percentileOf(this.samples, this.percentile)),
      maxInFlight: this.windowPeak,
    };
    this.samples = [];
    this.windowStart = now;
    this.windowPeak = this.running;
    const limit = this.options.limit.update(window);
    this.options.onWindow?.(limit, window);
    this.wakeWaiters();
  }
}
