import { summarize } from '../stats/percentiles';
import { crowdRatios, goodputShare } from './crowd-ratios';
import { renderCrowd } from './crowd-table';
import type { CrowdResult, CrowdStepResult, CrowdSystemResult, StepResult } from './types';

function step(
  label: string,
  multiple: number | null,
  offeredRps: number,
  goodputRps: number,
  latencies: number[],
  extra: Partial<CrowdStepResult> = {},
): CrowdStepResult {
  return {
    label,
    multiple,
    offeredRps,
    windowS: 10,
    sent: latencies.length,
    goodputRps,
    admittedRps: goodputRps,
    complete: latencies.length,
    partial: 0,
    shed: 0,
    errors: 0,
    noAnswer: 0,
    kinds: {},
    latencyMs: summarize(latencies),
    shedLatencyMs: summarize([]),
    waitBeforeOpsMs: summarize(latencies.map((l) => l / 2)),
    sendLagMs: summarize([1]),
    tcp: { listenOverflows: 0, listenDrops: 0, synRetrans: 0, timeouts: 0, retransSegs: 0, activeOpens: 3 },
    processes: {},
    disturbances: [],
    ...extra,
  };
}

const closed = (achievedRps: number): StepResult => ({
  mode: 'closed',
  offeredRps: null,
  concurrency: 64,
  windowS: 10,
  sent: 10,
  achievedRps,
  ok: 10,
  partial: 0,
  errors: 0,
  missing: 0,
  errorKinds: {},
  unmatched: 0,
  latencyMs: summarize([20]),
  processes: {},
  disturbances: [],
});

function system(
  which: 'project' | 'peer',
  capacityRps: number,
  steps: CrowdStepResult[],
  recoveredAfterMs: number | null,
): CrowdSystemResult {
  return {
    system: which,
    label: which,
    opsProcess: which === 'project' ? 'ops' : 'peer-ops',
    closed: closed(capacityRps),
    capacityRps,
    steps,
    recovery: {
      fromRps: 3000,
      toRps: 500,
      sliceMs: 250,
      baselineP99Ms: 10,
      thresholdMs: 15,
      recoveredAfterMs,
      sliceP99Ms: Array.from({ length: 60 }, () => 10),
      step: step('recovery', null, 500, 500, [10]),
    },
  };
}

// The project: C = 1000; collapses at 3x (goodput 300, p99 100 ms), sheds at 30 ms p99, never recovers.
const project = system(
  'project',
  1000,
  [
    step('lone', null, 20, 20, [10]),
    step('1000', null, 1000, 1000, [40]),
    step('0.5x', 0.5, 500, 500, [10]),
    step('3x', 3, 3000, 300, [100], {
      shed: 2,
      shedLatencyMs: summarize([5, 30]),
      tcp: { listenOverflows: 7000, listenDrops: 7000, synRetrans: 900, timeouts: null, retransSegs: 950, activeOpens: 9000 },
    }),
  ],
  null,
);
// The peer: C = 2000; at 3x it serves 1900 req/s of the min(3000, 2000) it could, at 10 ms p99, and is back after 0.5 s.
const peer = system(
  'peer',
  2000,
  [
    step('lone', null, 20, 20, [8]),
    step('1000', null, 1000, 1000, [20]),
    step('0.5x', 0.5, 500, 500, [5]),
    step('3x', 3, 3000, 1900, [10]),
  ],
  500,
);

describe('goodputShare', () => {
  it('is goodput over the capacity, or over the offered rate when that is lower', () => {
    expect(goodputShare(step('3x', 3, 3000, 900, []), 1000)).toBe(0.9);
    expect(goodputShare(step('1.5x', 1.5, 1500, 1500, []), 2000)).toBe(1);
    expect(goodputShare(undefined, 1000)).toBeNull();
    expect(goodputShare(step('3x', 3, 3000, 900, []), null)).toBeNull();
  });
});

describe('crowdRatios', () => {
  const rows = crowdRatios(project, peer, [0.5, 3]);
  const byFigure = new Map(rows.map((r) => [r.figure, r]));

  it('gives each figure for both systems, project ÷ peer, and whether the target is met', () => {
    expect(byFigure.get('closed-loop capacity (req/s)')).toMatchObject({
      project: 1000,
      peer: 2000,
      ratio: 0.5,
      target: 'ratio ≥ 1',
      met: false,
    });
    expect(byFigure.get('p99 at 1000 req/s (ms)')).toMatchObject({ project: 40, peer: 20, ratio: 2, met: false });
    expect(byFigure.get('lone p50 at 20 req/s (ms)')).toMatchObject({ ratio: 1.25, target: 'ratio ≤ 1.25', met: true });
    expect(byFigure.get('3x C: goodput ÷ C')).toMatchObject({ project: 0.3, peer: 0.95, target: 'project ≥ 0.9', met: false });
    expect(byFigure.get('3x C: admitted p99 ÷ own 0.5x p99')).toMatchObject({ project: 10, peer: 2, ratio: 5, met: false });
    expect(byFigure.get('3x C: shed p99 (ms)')).toMatchObject({
      project: 30,
      peer: null,
      ratio: null,
      target: 'project ≤ 10 ms',
      met: false,
    });
    expect(byFigure.get('3x C: listen overflows')).toMatchObject({ project: 7000, peer: 0, ratio: null, target: '', met: null });
  });

  it('says a recovery that never came back, and misses its target', () => {
    expect(byFigure.get('recovery time (s)')).toMatchObject({ project: null, peer: 0.5, met: false, projectNote: 'not within 15 s' });
  });

  it('without a peer, judges only the targets on the project itself', () => {
    const alone = new Map(crowdRatios(project, undefined, [0.5, 3]).map((r) => [r.figure, r]));
    expect(alone.get('closed-loop capacity (req/s)')).toMatchObject({ project: 1000, peer: null, ratio: null, met: null });
    expect(alone.get('3x C: goodput ÷ C')).toMatchObject({ project: 0.3, met: false });
  });
});

describe('renderCrowd', () => {
  const crowd: CrowdResult = {
    connections: 'as-needed',
    concurrency: 64,
    multiples: [0.5, 3],
    durationS: 15,
    capacityRps: 1000,
    systems: [project, peer],
    ratios: crowdRatios(project, peer, [0.5, 3]),
  };
  const text = renderCrowd(crowd);

  it('has a row per system and step, the closed loop and the recovery included', () => {
    const rows = text.split('\n').filter((l) => /^(project|peer)\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'project closed/64',
      'project lone',
      'project 1000',
      'project 0.5x',
      'project 3x',
      'project recovery',
      'peer closed/64',
      'peer lone',
      'peer 1000',
      'peer 0.5x',
      'peer 3x',
      'peer recovery',
    ]);
    expect(text).toMatch(/project\s+3x\s+3000\s+300\s+1\s+0\s+2\s+0\s+0\s+100\s+100\s+30\.0\s+50\.0\s+50\.0\s+1\.00\s+9000\s+7000\s+900/);
  });

  it('marks and lists generator-bound steps (the generator late by p99 > 100 ms)', () => {
    const late = { ...peer, steps: peer.steps.map((s) => (s.label === '3x' ? { ...s, sendLagMs: summarize([2500]) } : s)) };
    const marked = renderCrowd({ ...crowd, systems: [project, late] });
    expect(marked).toMatch(/^peer\s+3x\s.*G$/m);
    expect(marked).not.toMatch(/^project\s+3x\s.*G$/m);
    expect(marked).toContain('generator-bound');
    expect(marked).toContain('peer 3x (2500 ms)');
    expect(text).not.toContain('generator-bound');
  });

  it('says what is missing: a recovery not back, a peer not measured', () => {
    expect(text).toContain('not back within 15 s');
    expect(text).toMatch(/recovery time \(s\)\s+not within 15 s\s+0\.50\s+-\s+project ≤ 2 s\s+NO/);
    expect(renderCrowd({ ...crowd, systems: [project], peerMissing: 'no peer binary' })).toContain('peer not measured: no peer binary');
  });
});
