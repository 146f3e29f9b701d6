import { percentileOf } from '../percentile';
import type { ConsoleTraffic, ConsoleTrafficTick, LoadSecond, TrafficSecond } from './console.events';

/** Latencies kept per series and second for its percentiles; beyond this, a uniform sample of them. */
const SAMPLE_SIZE = 1024;

/** One series' second being counted. */
class OpenSecond {
  readonly counts: Record<string, number> = {};
  private readonly sample: number[] = [];
  private seen = 0;

  count(outcome: string, latencyMs: number | undefined, random: () => number): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    if (latencyMs === undefined) return;
    // Reservoir sampling: every latency of the second has the same chance to be in the sample.
    this.seen++;
    if (this.sample.length < SAMPLE_SIZE) this.sample.push(latencyMs);
    else {
      const slot = Math.floor(random() * this.seen);
      if (slot < SAMPLE_SIZE) this.sample[slot] = latencyMs;
    }
  }

  close(t: number): TrafficSecond {
    const p = (q: number) => (this.sample.length === 0 ? null : Math.round(percentileOf(this.sample, q) * 10) / 10);
    return { t, counts: this.counts, p50Ms: p(0.5), p99Ms: p(0.99) };
  }
}

/** What {@link TrafficWindow.tick} samples of the gateway's load at the end of each second. */
export interface LoadGauge {
  inFlight: number;
  limit: number;
}

/**
 * The last `windowS` seconds of traffic, per series (`gateway` and each chain), one entry a second:
 * counts by outcome and latency percentiles, plus the gateway's load (in flight against its
 * admission limit, shed requests, dead letters). Answers are counted into the open second as they
 * come; {@link tick}, once a second, closes it. Memory is fixed: `windowS` entries per series.
 */
export class TrafficWindow {
  private open = new Map<string, OpenSecond>();
  private readonly history = new Map<string, TrafficSecond[]>();
  private readonly load: LoadSecond[] = [];
  private shed = 0;
  private deadLettered = 0;

  constructor(
    readonly windowS = 300,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts one answer of `series` with its outcome and, if it was answered, its latency. */
  count(series: string, outcome: string, latencyMs?: number): void {
    let second = this.open.get(series);
    if (!second) {
      second = new OpenSecond();
      this.open.set(series, second);
    }
    second.count(outcome, latencyMs, this.random);
  }

  /** Counts a request refused at the admission limit. */
  countShed(): void {
    this.shed++;
  }

  /** Counts dead letters read on the dead-letter topic. */
  countDeadLetters(n: number): void {
    this.deadLettered += n;
  }

  /** Closes the second that ended at `nowMs`: every known series gets an entry (zero when idle). */
  tick(nowMs: number, gauge: LoadGauge): ConsoleTrafficTick {
    const t = Math.floor(nowMs / 1000);
    const open = this.open;
    this.open = new Map();
    const series: Record<string, TrafficSecond> = {};
    for (const name of new Set([...this.history.keys(), ...open.keys()])) {
      const second = (open.get(name) ?? new OpenSecond()).close(t);
      series[name] = second;
      const past = this.history.get(name) ?? [];
      past.push(second);
      if (past.length > this.windowS) past.shift();
      this.history.set(name, past);
    }
    const load: LoadSecond = { t, inFlight: gauge.inFlight, limit: gauge.limit, shed: this.shed, deadLettered: this.deadLettered };
    this.shed = 0;
    this.deadLettered = 0;
    this.load.push(load);
    if (this.load.length > this.windowS) this.load.shift();
    return { series, load };
  }

  /** The whole window, oldest first (for a console that just connected). */
  snapshot(): ConsoleTraffic {
    const series: Record<string, TrafficSecond[]> = {};
    for (const [name, seconds] of this.history) series[name] = [...seconds];
    return { windowS: this.windowS, series, load: [...this.load] };
  }
}
