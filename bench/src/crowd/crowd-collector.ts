import { summarize, type LatencySummary } from '../stats/percentiles';
import type { CrowdOutcome } from './crowd-outcome';
import type { SliceRecorder } from './recovery';

/** The numbers of one crowd step. */
export interface CrowdStats {
  /** Seconds of the measurement window. */
  windowS: number;
  /** Requests intended inside the window. */
  sent: number;
  /** `complete` aggregates received during the window, per second. */
  goodputRps: number;
  /** Aggregates (complete + partial) received during the window, per second. */
  admittedRps: number;
  complete: number;
  partial: number;
  /** HTTP 503 answers. */
  shed: number;
  /** Other errors: statuses, ECONNRESET, ECONNREFUSED, EMFILE… */
  errors: number;
  /** No answer within the request timeout (measured from the intended time), or none at all after the drain. */
  noAnswer: number;
  /** Every request that got no aggregate, by kind (shed codes, errors, `timeout`, `late`, `missing`). */
  kinds: Record<string, number>;
  /** From the intended send time to the answer, complete + partial answers. */
  latencyMs: LatencySummary;
  /** The same for the shed (503) answers. */
  shedLatencyMs: LatencySummary;
  /** latency − elapsedMs of complete + partial answers: the time before ops' handler saw it, plus the way back. */
  waitBeforeOpsMs: LatencySummary;
  /** How late the generator sent each measured request after its intended time (its own lag, part of every latency). */
  sendLagMs: LatencySummary;
}

/**
 * Collects the outcomes of one crowd step, on one monotonic clock passed in (deterministic,
 * testable). As in the `StepCollector`, a request is measured when its intended time is inside the
 * window, and throughput counts answers received inside it. Any answer later than `timeoutMs`
 * after its intended time (an aggregate, a 503, an error) counts as no answer (`late`). The slices, if given, get every measured
 * request: an aggregate in time with its latency, anything else as `timeoutMs`.
 */
export class CrowdCollector {
  private readonly admitted: number[] = [];
  private readonly shedLatencies: number[] = [];
  private readonly waits: number[] = [];
  private readonly lags: number[] = [];
  private readonly kinds: Record<string, number> = {};
  private sentInWindow = 0;
  private pendingMeasured = 0;
  private completeReceived = 0;
  private admittedReceived = 0;
  private counts = { complete: 0, partial: 0, shed: 0, errors: 0, noAnswer: 0 };

  constructor(
    readonly windowStartMs: number,
    readonly windowEndMs: number,
    private readonly timeoutMs: number,
    private readonly slices?: SliceRecorder,
  ) {}

  private isMeasured(intendedAtMs: number): boolean {
    return intendedAtMs >= this.windowStartMs && intendedAtMs < this.windowEndMs;
  }

  /** A request intended at `intendedAtMs` was sent at `sentAtMs`. */
  sent(intendedAtMs: number, sentAtMs: number): void {
    if (!this.isMeasured(intendedAtMs)) return;
    this.sentInWindow++;
    this.pendingMeasured++;
    this.lags.push(sentAtMs - intendedAtMs);
  }

  /** Its outcome arrived at `receivedAtMs`. */
  complete(intendedAtMs: number, receivedAtMs: number, outcome: CrowdOutcome): void {
    const latency = receivedAtMs - intendedAtMs;
    const aggregate = outcome.kind === 'complete' || outcome.kind === 'partial';
    const inTime = latency <= this.timeoutMs;
    if (aggregate && inTime && receivedAtMs >= this.windowStartMs && receivedAtMs < this.windowEndMs) {
      this.admittedReceived++;
      if (outcome.kind === 'complete') this.completeReceived++;
    }
    if (!this.isMeasured(intendedAtMs)) return;
    this.pendingMeasured--;
    if (aggregate && inTime) {
      if (outcome.kind === 'complete') this.counts.complete++;
      else this.counts.partial++;
      this.admitted.push(latency);
      if (outcome.elapsedMs !== undefined) this.waits.push(latency - outcome.elapsedMs);
      this.slices?.record(intendedAtMs, latency);
      return;
    }
    this.slices?.record(intendedAtMs, this.timeoutMs); // shed, failed or unanswered: as late as the timeout
    if (!inTime && outcome.kind !== 'timeout') {
      this.counts.noAnswer++;
      this.count('late');
    } else if (outcome.kind === 'shed') {
      this.counts.shed++;
      this.shedLatencies.push(latency);
      this.count(outcome.detail ?? 'http 503');
    } else if (outcome.kind === 'error') {
      this.counts.errors++;
      this.count(outcome.detail ?? 'error');
    } else {
      this.counts.noAnswer++;
      this.count('timeout');
    }
  }

  private count(kind: string): void {
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }

  /** Measured requests still without an outcome. */
  get pending(): number {
    return this.pendingMeasured;
  }

  /** The step's numbers; measured requests still pending count as no answer (`missing`). */
  finish(): CrowdStats {
    const windowS = (this.windowEndMs - this.windowStartMs) / 1000;
    const missing = this.pendingMeasured;
    const kinds = { ...this.kinds };
    if (missing > 0) kinds['missing'] = missing;
    return {
      windowS,
      sent: this.sentInWindow,
      goodputRps: windowS > 0 ? this.completeReceived / windowS : 0,
      admittedRps: windowS > 0 ? this.admittedReceived / windowS : 0,
      ...this.counts,
      noAnswer: this.counts.noAnswer + missing,
      kinds,
      latencyMs: summarize(this.admitted),
      shedLatencyMs: summarize(this.shedLatencies),
      waitBeforeOpsMs: summarize(this.waits),
      sendLagMs: summarize(this.lags),
    };
  }
}
