import type { FloorRatio, SeriesName, SeriesResult } from './types';

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b <= 0) return null;
  return a / b;
}

/**
 * Every gateway series (http, kafka) against every floor series present: closed-loop throughput
 * as a fraction of the floor's, and p50 / p99 as multiples of the floor's at each common rate.
 */
export function floorRatios(series: readonly SeriesResult[]): FloorRatio[] {
  const by = new Map<SeriesName, SeriesResult>(series.map((s) => [s.name, s]));
  const out: FloorRatio[] = [];
  for (const gatewayName of ['http', 'kafka'] as const) {
    const gateway = by.get(gatewayName);
    if (!gateway) continue;
    for (const floorName of ['floor-1hop', 'floor-fanout'] as const) {
      const floor = by.get(floorName);
      if (!floor) continue;
      const byRate: FloorRatio['byRate'] = [];
      for (const step of gateway.open) {
        const other = floor.open.find((f) => f.offeredRps === step.offeredRps);
        if (!other || step.offeredRps === null) continue;
        byRate.push({
          offeredRps: step.offeredRps,
          p50: ratio(step.latencyMs.p50, other.latencyMs.p50),
          p99: ratio(step.latencyMs.p99, other.latencyMs.p99),
        });
      }
      out.push({
        gateway: gatewayName,
        floor: floorName,
        maxThroughput: ratio(gateway.closed?.achievedRps, floor.closed?.achievedRps),
        byRate,
      });
    }
  }
  return out;
}
