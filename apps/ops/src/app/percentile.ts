/** The `p` percentile (0–1] of `values` (nearest rank), 0 for none. Sorts `values`. */
export function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)] ?? 0;
}
