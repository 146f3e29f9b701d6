import { summarize } from '../stats/percentiles';
import { clientRatios, floorRatios } from './ratios';
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

describe('clientRatios', () => {
  it('gives the platformatic floor over the kafkajs floor, per shape both ran, at the rates both ran', () => {
    const kafkajs: SeriesResult = {
      name: 'floor-fanout',
      label: 'k',
      open: [step(500, 500, [4, 4, 10]), step(1000, 1000, [8, 8, 20])],
      closed: step(null, 8000, [16]),
    };
    const pk: SeriesResult = {
      name: 'floor-fanout-pk',
      label: 'p',
      open: [step(1000, 1000, [2, 2, 5]), step(2000, 2000, [3])],
      closed: step(null, 12000, [8]),
    };
    const hopOnlyKafkajs: SeriesResult = { name: 'floor-1hop', label: 'h', open: [step(500, 500, [1])], closed: null };
    expect(clientRatios([kafkajs, hopOnlyKafkajs, pk])).toEqual([
      { baseline: 'floor-fanout', candidate: 'floor-fanout-pk', maxThroughput: 1.5, byRate: [{ offeredRps: 1000, p50: 0.25, p99: 0.25 }] },
    ]);
  });

  it('leaves out a pair when one side failed or is missing', () => {
    const kafkajs: SeriesResult = { name: 'floor-1hop', label: 'k', open: [step(500, 500, [2])], closed: step(null, 10, [1]) };
    const failed: SeriesResult = { name: 'floor-1hop-pk', label: 'p', open: [], closed: null, failure: 'no echo within 60 s' };
    expect(clientRatios([kafkajs, failed])).toEqual([]);
    expect(clientRatios([kafkajs])).toEqual([]);
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
