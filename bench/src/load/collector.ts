import { summarize, type LatencySummary } from '../stats/percentiles';
import type { Outcome } from './target';

/** The numbers of one load step (open- or closed-loop). */
export interface StepStats {
  /** Seconds of the measurement window (after the warm-up). */
  windowS: number;
  /** Requests sent whose send time fell in the window. */
  sent: number;
  /** Aggregates (ok + partial) received during the window, per second. */
  achievedRps: number;
  ok: number;
  partial: number;
  /** Error answers, transport errors and missing answers of requests sent in the window. */
  errors: number;
  missing: number;
  errorKinds: Record<string, number>;
  /** Answers that matched nothing (late after a drain, duplicates, answers of another ops). */
  unmatched: number;
  /** From the intended send time to the answer, over ok + partial answers of requests sent in the window. */
  latencyMs: LatencySummary;
}

/**
 * Collects the outcomes of one step. Times are plain numbers (ms on one monotonic clock), passed
 * in, so the collector is deterministic and testable. A request is *measured* when its intended
 * send time is inside the window; throughput counts aggregates *received* inside the window.
 */
export class StepCollector {
  private readonly latencies: number[] = [];
  private sentInWindow = 0;
  private answeredInWindow = 0;
  private ok = 0;
  private partial = 0;
  private errors = 0;
  private pendingMeasured = 0;
  private readonly errorKinds: Record<string, number> = {};

  constructor(
    readonly windowStartMs: number,
    readonly windowEndMs: number,
  ) {}

  /** Is a request intended at `intendedAtMs` part of the measurement? */
  isMeasured(intendedAtMs: number): boolean {
    return intendedAtMs >= this.windowStartMs && intendedAtMs < this.windowEndMs;
  }

  /** A request was sent. */
  sent(intendedAtMs: number): void {
    if (this.isMeasured(intendedAtMs)) {
      this.sentInWindow++;
      this.pendingMeasured++;
    }
  }

  /** Its answer (or failure) arrived at `receivedAtMs`. */
  complete(intendedAtMs: number, receivedAtMs: number, outcome: Outcome): void {
    const aggregate = outcome.kind !== 'error';
    if (aggregate && receivedAtMs >= this.windowStartMs && receivedAtMs < this.windowEndMs) this.answeredInWindow++;
    if (!this.isMeasured(intendedAtMs)) return;
    this.pendingMeasured--;
    if (outcome.kind === 'error') {
      this.errors++;
      const kind = outcome.detail ?? 'error';
      this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
      return;
    }
    if (outcome.kind === 'ok') this.ok++;
    else this.partial++;
    this.latencies.push(receivedAtMs - intendedAtMs);
  }

  /** Measured requests still without an answer. */
  get pending(): number {
    return this.pendingMeasured;
  }

  /** The step's numbers; measured requests still pending count as missing (errors). */
  finish(unmatched = 0): StepStats {
    const windowS = (this.windowEndMs - this.windowStartMs) / 1000;
    const missing = this.pendingMeasured;
    const errorKinds = { ...this.errorKinds };
    if (missing > 0) errorKinds['missing'] = missing;
    return {
      windowS,
      sent: this.sentInWindow,
      achievedRps: windowS > 0 ? this.answeredInWindow / windowS : 0,
      ok: this.ok,
      partial: this.partial,
      errors: this.errors + missing,
      missing,
      errorKinds,
      unmatched,
      latencyMs: summarize(this.latencies),
    };
  }
}
