import type { CrowdRecovery } from '../report/types';
import { percentile } from '../stats/percentiles';

/**
 * Latencies bucketed by their request's intended time into fixed slices from `startMs` (the
 * caller records a request that got no admitted answer — shed, error, timeout — as very late,
 * so a slice with more than 1 % of them has a p99 that large).
 */
export class SliceRecorder {
  private readonly slices: number[][];

  constructor(
    readonly startMs: number,
    readonly sliceMs: number,
    count: number,
  ) {
    if (!(sliceMs > 0) || !(count >= 0)) throw new RangeError(`slices need a positive width and a count, got ${sliceMs}, ${count}`);
    this.slices = Array.from({ length: count }, () => []);
  }

  /** Records one request intended at `intendedAtMs` (outside every slice: ignored). */
  record(intendedAtMs: number, latencyMs: number): void {
    const index = Math.floor((intendedAtMs - this.startMs) / this.sliceMs);
    if (index >= 0 && index < this.slices.length) this.slices[index]?.push(latencyMs);
  }

  /** The p99 of each slice, in order (null: no request fell in it). */
  p99s(): Array<number | null> {
    return this.slices.map((s) => percentile(Float64Array.from(s).sort(), 0.99));
  }
}

/**
 * The time from the start of the slices until `hold` consecutive slices all have a p99 within
 * `thresholdMs` (a slice without requests does not break the run); null when that never
 * happens inside the slices.
 */
export function recoveryTime(p99s: ReadonlyArray<number | null>, sliceMs: number, thresholdMs: number, hold: number): number | null {
  let run = 0;
  for (let i = 0; i < p99s.length; i++) {
    const p = p99s[i];
    run = p === null || p === undefined || p <= thresholdMs ? run + 1 : 0;
    if (run >= hold) return (i - hold + 1) * sliceMs;
  }
  return null;
}

/** Slices after `fromMs` whose p99 is above `thresholdMs`: relapses after the recovery. */
export function slicesAbove(p99s: ReadonlyArray<number | null>, sliceMs: number, thresholdMs: number, fromMs: number): number {
  let n = 0;
  for (let i = Math.ceil(fromMs / sliceMs); i < p99s.length; i++) {
    const p = p99s[i];
    if (p !== null && p !== undefined && p > thresholdMs) n++;
  }
  return n;
}

/** The recovery in a few words: when it was back (and how often it fell back later), or that it was not. */
export function describeRecovery(r: CrowdRecovery): string {
  if (r.thresholdMs === null) return 'no baseline p99 to compare with';
  const bound = `p99 of ${r.sliceMs} ms slices within ${r.thresholdMs.toFixed(1)} ms`;
  return r.recoveredAfterMs === null
    ? `not back within ${((r.sliceP99Ms.length * r.sliceMs) / 1000).toFixed(0)} s (${bound})`
    : `back after ${(r.recoveredAfterMs / 1000).toFixed(2)} s (${bound}` +
        relapsesText(r.relapses ?? slicesAbove(r.sliceP99Ms, r.sliceMs, r.thresholdMs, r.recoveredAfterMs));
}

function relapsesText(n: number): string {
  return n === 0 ? ')' : `; ${n} later slice${n === 1 ? '' : 's'} above it again)`;
}
