import { summarize } from '../stats/percentiles';
import { floorRatios } from './ratios';
import { formatTable } from './table';
import type { SeriesResult, StepResult } from './types';

function step(offeredRps: number | null, achievedRps: number, latencies: number[]): StepResult {
  return {
    mode: offeredRps === null ? 'closed' : 'open',
    offeredRps,
    concurrency: offeredRps === null ? 64 : null,
    windowS: 10,
    sent: latencies.length,
    achievedRps,
    ok: latencies.length,
    partial: 0,
    errors: 0,
    missing: 0,
    errorKinds: {},
    unmatched: 0,
    latencyMs: summarize(latencies),
    processes: {},
    disturbances: [],
  };
}

describe('floorRatios', () => {
  it('gives throughput as a fraction of the floor and p50/p99 as multiples, at the rates both ran', () => {
    const http: SeriesResult = {
      name: 'http',
      label: 'h',
      open: [step(250, 250, [4, 4, 8]), step(500, 500, [6])],
      closed: step(null, 1000, [9]),
    };
    const floor: SeriesResult = { name: 'floor-fanout', label: 'f', open: [step(250, 250, [2, 2, 2])], closed: step(null, 4000, [3]) };
    expect(floorRatios([http, floor])).toEqual([
      { gateway: 'http', floor: 'floor-fanout', maxThroughput: 0.25, byRate: [{ offeredRps: 250, p50: 2, p99: 4 }] },
    ]);
  });

  it('is empty without a floor, and null where a figure is missing', () => {
    const kafka: SeriesResult = { name: 'kafka', label: 'k', open: [step(250, 0, [])], closed: null };
    expect(floorRatios([kafka])).toEqual([]);
    const floor: SeriesResult = { name: 'floor-1hop', label: 'f', open: [step(250, 250, [1])], closed: null };
    expect(floorRatios([kafka, floor])).toEqual([
      { gateway: 'kafka', floor: 'floor-1hop', maxThroughput: null, byRate: [{ offeredRps: 250, p50: null, p99: null }] },
    ]);
  });
});

describe('formatTable', () => {
  it('pads columns: first left, the rest right', () => {
    expect(
      formatTable(
        ['a', 'bb'],
        [
          ['long', '1'],
          ['x', '123'],
        ],
      ),
    ).toBe(['a      bb', '----  ---', 'long    1', 'x     123'].join('\n'));
  });
});
