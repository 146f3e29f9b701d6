import type { ClientRatio, FloorRatio, SeriesName, SeriesResult } from './types';

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b <= 0) return null;
  return a / b;
}

/** `a` over `b`: closed-loop throughput, and p50 / p99 at each rate both ran (in `a`'s order). */
function compare(a: SeriesResult, b: SeriesResult): Pick<FloorRatio, 'maxThroughput' | 'byRate'> {
  const byRate: FloorRatio['byRate'] = [];
  for (const step of a.open) {
    const other = b.open.find((f) => f.offeredRps === step.offeredRps);
    if (!other || step.offeredRps === null) continue;
    byRate.push({
      offeredRps: step.offeredRps,
      p50: ratio(step.latencyMs.p50, other.latencyMs.p50),
      p99: ratio(step.latencyMs.p99, other.latencyMs.p99),
    });
  }
  return { maxThroughput: ratio(a.closed?.achievedRps, b.closed?.achievedRps), byRate };
}

/** Each gateway series and the floor series on the same client. */
const FLOOR_PAIRS: ReadonlyArray<readonly [SeriesName, readonly SeriesName[]]> = [
  ['http', ['floor-1hop', 'floor-fanout']],
  ['kafka', ['floor-1hop', 'floor-fanout']],
  ['http-pk', ['floor-1hop-pk', 'floor-fanout-pk']],
  ['kafka-pk', ['floor-1hop-pk', 'floor-fanout-pk']],
];

/**
 * Every gateway series against every floor series present on the same client: closed-loop
 * throughput as a fraction of the floor's, and p50 / p99 as multiples of the floor's at each common rate.
 */
export function floorRatios(series: readonly SeriesResult[]): FloorRatio[] {
  const by = new Map<SeriesName, SeriesResult>(series.map((s) => [s.name, s]));
  const out: FloorRatio[] = [];
  for (const [gatewayName, floors] of FLOOR_PAIRS) {
    const gateway = by.get(gatewayName);
    if (!gateway) continue;
    for (const floorName of floors) {
      const floor = by.get(floorName);
      if (!floor) continue;
      out.push({ gateway: gatewayName, floor: floorName, ...compare(gateway, floor) });
    }
  }
  return out;
}

/** A kafkajs series and the same on @platformatic/kafka. */
export const CLIENT_PAIRS: ReadonlyArray<readonly [SeriesName, SeriesName]> = [
  ['http', 'http-pk'],
  ['kafka', 'kafka-pk'],
  ['floor-1hop', 'floor-1hop-pk'],
  ['floor-fanout', 'floor-fanout-pk'],
];

/**
 * @platformatic/kafka against kafkajs, per gateway series and floor shape both ran: closed-loop
 * throughput and p50 / p99 at each common rate as multiples of the kafkajs figures.
 */
export function clientRatios(series: readonly SeriesResult[]): ClientRatio[] {
  const by = new Map<SeriesName, SeriesResult>(series.map((s) => [s.name, s]));
  const out: ClientRatio[] = [];
  for (const [baselineName, candidateName] of CLIENT_PAIRS) {
    const baseline = by.get(baselineName);
    const candidate = by.get(candidateName);
    if (!baseline || !candidate || baseline.failure !== undefined || candidate.failure !== undefined) continue;
    out.push({ baseline: baselineName, candidate: candidateName, ...compare(candidate, baseline) });
  }
  return out;
}
