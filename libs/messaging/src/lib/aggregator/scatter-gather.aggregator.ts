import type { Aggregate, ServiceResult } from '../contract/aggregate';
import type { ChainReply } from '../contract/chain-reply';
import type { Completion } from '../contract/ops-request';
import { evaluateCompletion } from './completion-rule';
import { RecentUids } from './recent-uids';

/** What became of a reply offered to the aggregator. */
export type ReplyOutcome = 'accepted' | 'duplicate' | 'late' | 'unknown' | 'unasked';

/** The clock and timers the aggregator uses; injectable so tests need no real time. */
export interface AggregatorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link ScatterGatherAggregator}. */
export interface AggregatorOptions {
  clock?: AggregatorClock;
  /** How many finished uids to remember to recognise late replies (default 100 000). */
  lateMemory?: number;
  /** Called once for every aggregate, as it is formed. */
  onAggregate?: (aggregate: Aggregate) => void;
}

/** One request to gather: who is asked, how it completes, how long it may wait. */
export interface GatherSpec {
  uid: string;
  services: string[];
  completion: Completion;
  timeoutMs: number;
}

/** The handle of a gather: the aggregate to come, and whether this call joined one already running. */
export interface Gathering {
  aggregate: Promise<Aggregate>;
  joined: boolean;
}

/** Counts of replies the aggregator did not use, for metrics. */
export interface DroppedReplies {
  duplicate: number;
  late: number;
  unknown: number;
  unasked: number;
}

interface Pending {
  spec: GatherSpec;
  startedAt: number;
  results: Map<string, ServiceResult>;
  ok: number;
  settled: number;
  timer: unknown;
  promise: Promise<Aggregate>;
  resolve: (aggregate: Aggregate) => void;
}

const realClock: AggregatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The scatter-gather core: keeps pending requests by uid, applies replies, and forms exactly one
 * aggregate per request when its completion rule is met, it becomes impossible, or its deadline
 * passes. Knows nothing of Kafka: replies come in through {@link offer}.
 */
export class ScatterGatherAggregator {
  private readonly pending = new Map<string, Pending>();
  private readonly finished: RecentUids;
  private readonly clock: AggregatorClock;
  private readonly onAggregate: ((aggregate: Aggregate) => void) | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  readonly dropped: DroppedReplies = { duplicate: 0, late: 0, unknown: 0, unasked: 0 };

  constructor(options: AggregatorOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.finished = new RecentUids(options.lateMemory ?? 100_000);
    this.onAggregate = options.onAggregate;
  }

  /** Requests waiting for replies now. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** True while `uid` waits for replies. */
  isPending(uid: string): boolean {
    return this.pending.has(uid);
  }

  /** How many services answered `uid` (ok or error) so far, while it waits for replies. */
  answered(uid: string): number {
    const entry = this.pending.get(uid);
    return entry ? entry.ok + [...entry.results.values()].filter((r) => r.status === 'error').length : 0;
  }

  /**
   * Starts gathering for `spec.uid`, or joins the gather already running for that uid (no second
   * broadcast is needed then: `joined` is true). The promise never rejects.
   */
  begin(spec: GatherSpec): Gathering {
    const running = this.pending.get(spec.uid);
    if (running) return { aggregate: running.promise, joined: true };

    let resolve!: (aggregate: Aggregate) => void;
    const promise = new Promise<Aggregate>((r) => (resolve = r));
    const entry: Pending = {
      spec,
      startedAt: this.clock.now(),
      results: new Map(),
      ok: 0,
      settled: 0,
      timer: undefined,
      promise,
      resolve,
    };
    this.pending.set(spec.uid, entry);
    // A rule no reply can meet (k larger than the services asked) is decided at once, with no timer.
    if (!this.evaluate(entry)) {
      entry.timer = this.clock.setTimeout(() => this.finish(entry, 'partial', 'deadline'), spec.timeoutMs);
    }
    return { aggregate: promise, joined: false };
  }

  /** Applies a reply; the outcome says whether it counted and, if not, why (counted in `dropped`). */
  offer(reply: ChainReply): ReplyOutcome {
    const entry = this.pending.get(reply.uid);
    if (!entry) {
      const outcome = this.finished.has(reply.uid) ? 'late' : 'unknown';
      this.dropped[outcome]++;
      return outcome;
    }
    if (!entry.spec.services.includes(reply.service)) {
      this.dropped.unasked++;
      return 'unasked';
    }
    if (entry.results.has(reply.service)) {
      this.dropped.duplicate++;
      return 'duplicate';
    }
    const latencyMs = this.clock.now() - entry.startedAt;
    this.record(
      entry,
      reply.service,
      reply.ok ? { status: 'ok', result: reply.result, latencyMs } : { status: 'error', error: reply.error, latencyMs },
    );
    this.evaluate(entry);
    return 'accepted';
  }

  /** Marks `service` as `left` in every request still waiting for it (its last instance left etcd). */
  serviceLeft(service: string): void {
    for (const entry of [...this.pending.values()]) {
      if (entry.spec.services.includes(service) && !entry.results.has(service)) {
        this.record(entry, service, { status: 'left' });
        this.evaluate(entry);
      }
    }
  }

  /**
   * Ends the gather for `uid` at once (for example when the broadcast could not be sent): waiters
   * get a partial aggregate of what is known, unanswered services `pending`. False if not pending.
   */
  abandon(uid: string): boolean {
    const entry = this.pending.get(uid);
    if (!entry) return false;
    this.finish(entry, 'partial', 'decided');
    return true;
  }

  /** Ends every pending gather at once, as {@link abandon} does; returns how many there were. */
  abandonAll(): number {
    const entries = [...this.pending.values()];
    for (const entry of entries) this.finish(entry, 'partial', 'decided');
    return entries.length;
  }

  /** Resolves once no request is pending (immediately if none is). */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private record(entry: Pending, service: string, result: ServiceResult): void {
    entry.results.set(service, result);
    if (result.status === 'ok') entry.ok++;
    else entry.settled++;
  }

  /** Finishes the entry if its rule is decided; true when it did. */
  private evaluate(entry: Pending): boolean {
    const state = evaluateCompletion(entry.spec.completion, {
      asked: entry.spec.services.length,
      ok: entry.ok,
      settled: entry.settled,
    });
    if (state === 'waiting') return false;
    // With "all", a service that left means the rule was met only by giving up on it: partial.
    const leftBeforeMet = entry.spec.completion === 'all' && [...entry.results.values()].some((r) => r.status === 'left');
    this.finish(entry, state === 'met' && !leftBeforeMet ? 'complete' : 'partial', 'decided');
    return true;
  }

  /** Forms the aggregate; services that did not answer are `timeout` at the deadline, else `pending`. */
  private finish(entry: Pending, status: Aggregate['status'], why: 'deadline' | 'decided'): void {
    if (this.pending.get(entry.spec.uid) !== entry) return;
    this.pending.delete(entry.spec.uid);
    this.finished.add(entry.spec.uid);
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    const unanswered: ServiceResult = { status: why === 'deadline' ? 'timeout' : 'pending' };
    const results: Record<string, ServiceResult> = {};
    const missing: string[] = [];
    for (const service of entry.spec.services) {
      const result = entry.results.get(service) ?? unanswered;
      results[service] = result;
      if (result.status !== 'ok' && result.status !== 'error') missing.push(service);
    }
    const aggregate: Aggregate = {
      uid: entry.spec.uid,
      status,
      results,
      missing,
      elapsedMs: this.clock.now() - entry.startedAt,
    };
    entry.resolve(aggregate);
    try {
      this.onAggregate?.(aggregate);
    } catch {
      // A failing observer (metrics) must not cost the request its answer, which is already out.
    }
    if (this.pending.size === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
  }
}
