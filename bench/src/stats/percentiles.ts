/** Latency percentiles of one step, in milliseconds (null when nothing was measured). */
export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/**
 * The q-quantile (0 < q ≤ 1) of an ascending array by the nearest-rank method: the smallest value
 * such that at least q of all values are ≤ it. No interpolation, so every answer is a measured value.
 */
export function percentile(sortedAscending: ArrayLike<number>, q: number): number | null {
  const n = sortedAscending.length;
  if (n === 0) return null;
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  const rank = Math.ceil(q * n);
  return sortedAscending[Math.min(n, Math.max(1, rank)) - 1] as number;
}

/** p50 / p90 / p99 / p99.9 and friends of a set of latencies (any order; the input is not changed). */
export function summarize(latenciesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    min: sorted[0] as number,
    mean: sum / n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted[n - 1] as number,
  };
}
