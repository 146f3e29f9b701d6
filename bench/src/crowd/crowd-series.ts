import { pollUntil, sleep } from '../load/clock';
import { runClosedLoop } from '../load/closed-loop';
import { NO_HOOKS } from '../load/window-hooks';
import { openFilesLimit } from '../procs/fd-limit';
import type { ProcessSampler } from '../procs/sampler';
import type { CrowdRecovery, CrowdStepResult, CrowdSystemResult, StepResult } from '../report/types';
import { HttpTarget } from '../targets/http-target';
import type { CrowdStats } from './crowd-collector';
import { startCrowdStep, type CrowdStepOptions } from './crowd-step';
import { crowdConnectionCap, CrowdTarget, type CrowdConnections } from './crowd-target';
import { CrowdWindow, type CrowdWindowFigures } from './crowd-window';
import { describeRecovery, recoveryTime, slicesAbove } from './recovery';

/** What the crowd series of one system runs. Durations in seconds. */
export interface CrowdPlan {
  connections: CrowdConnections;
  /** Keep-alive connections of the closed loop that measures the capacity. */
  concurrency: number;
  /** Multiples of the capacity, lowest first. */
  multiples: number[];
  durationS: number;
  warmupS: number;
  /** Unmeasured load before the closed loop (0: none). */
  settleS: number;
  closedWarmupS: number;
  closedDurationS: number;
  runId: string;
}

/** The system under load: the project's gateway or the peer, on 127.0.0.1:`port`. */
export interface CrowdSystemSpec {
  system: CrowdSystemResult['system'];
  label: string;
  port: number;
  /** Its ops process' name in the sampler. */
  opsProcess: string;
}

/** An answer later than this (from its intended time) is no answer. */
export const CROWD_TIMEOUT_MS = 10_000;
/** The rate of lone requests: each one finds the system idle. */
export const LONE_RPS = 20;
/** The reference rate. */
export const REFERENCE_RPS = 1000;
/** Recovery: width of the slices, how many in a row must be back, and the bound (× the lowest step's p99). */
export const RECOVERY = { sliceMs: 250, holdSlices: 4, factor: 1.5, minWindowS: 5 } as const;

const SETTLE_RPS = 1000;
const QUIET_MAX_MS = 15_000;
const PAUSE_MS = 1000;

/**
 * The crowd series of one system: settle, a closed loop (its capacity), lone requests, 1,000
 * req/s, then open-loop steps at the multiples of `baseRps` (the project's capacity; null: this
 * system's own), and after the highest the recovery at the lowest multiple's rate.
 */
export async function runCrowdSystem(
  spec: CrowdSystemSpec,
  plan: CrowdPlan,
  baseRps: number | null,
  sampler: ProcessSampler,
  log: (line: string) => void,
): Promise<CrowdSystemResult> {
  const result: CrowdSystemResult = {
    system: spec.system,
    label: spec.label,
    opsProcess: spec.opsProcess,
    closed: null,
    capacityRps: null,
    steps: [],
    recovery: null,
  };
  const crowd = new CrowdTarget({
    port: spec.port,
    connections: plan.connections,
    timeoutMs: CROWD_TIMEOUT_MS,
    maxConnections: crowdConnectionCap(openFilesLimit()),
  });
  const name = `crowd ${spec.system}`;
  try {
    if (plan.settleS > 0) {
      log(`${name}: settling at ${SETTLE_RPS} req/s for ${plan.settleS} s (not measured)`);
      const settled = await startCrowdStep(crowd, stepOptions(SETTLE_RPS, 0, plan.settleS), NO_HOOKS).done;
      const s = settled.stats;
      log(`${name}: settled — ${s.complete} complete, ${s.partial} partial, ${s.shed} shed, ${s.errors} errors, ${s.noAnswer} no answer`);
      await quiet(crowd);
    }
    result.closed = await closedLoop(spec.port, plan, sampler);
    result.capacityRps = result.closed.achievedRps;
    log(`${name}: closed loop, ${plan.concurrency} keep-alive connections → ${result.capacityRps.toFixed(0)} req/s`);
    const base = baseRps ?? result.capacityRps;
    if (!(base >= 1)) throw new Error(`no capacity to take multiples of (closed loop: ${result.capacityRps.toFixed(1)} req/s)`);

    const measure = async (label: string, multiple: number | null, rate: number): Promise<CrowdStepResult> => {
      const window = new CrowdWindow(sampler);
      const out = await startCrowdStep(crowd, stepOptions(rate, plan.warmupS, plan.durationS), window).done;
      const step = stepResult(label, multiple, rate, out.stats, window.figures());
      log(`${name}: ${describe(step)}`);
      await quiet(crowd);
      return step;
    };
    result.steps.push(await measure('lone', null, LONE_RPS));
    result.steps.push(await measure(String(REFERENCE_RPS), null, REFERENCE_RPS));
    const rateOf = (m: number): number => Math.max(1, Math.round(m * base));
    const last = plan.multiples.length - 1;
    for (const [i, m] of plan.multiples.entries()) {
      if (i < last || last === 0) {
        result.steps.push(await measure(`${m}x`, m, rateOf(m)));
        continue;
      }
      const low = plan.multiples[0] as number;
      const baseline = result.steps.find((s) => s.multiple === low)?.latencyMs.p99 ?? null;
      const { top, recovery } = await overloadThenRecover(crowd, plan, m, rateOf(m), rateOf(low), baseline, sampler);
      result.steps.push(top);
      result.recovery = recovery;
      log(`${name}: ${describe(top)}`);
      log(`${name}: recovery at ${recovery.toRps} req/s: ${describeRecovery(recovery)}`);
      await quiet(crowd);
    }
  } catch (error) {
    result.failure = (error as Error).message;
    log(`${name} FAILED: ${result.failure}`);
  } finally {
    crowd.close();
  }
  return result;
}

function stepOptions(rate: number, warmupS: number, durationS: number): CrowdStepOptions {
  return { ratePerSecond: rate, warmupMs: warmupS * 1000, durationMs: durationS * 1000, timeoutMs: CROWD_TIMEOUT_MS };
}

async function closedLoop(port: number, plan: CrowdPlan, sampler: ProcessSampler): Promise<StepResult> {
  const target = new HttpTarget({ port, maxSockets: plan.concurrency, timeoutMs: CROWD_TIMEOUT_MS });
  const window = new CrowdWindow(sampler);
  try {
    const stats = await runClosedLoop(
      target,
      {
        concurrency: plan.concurrency,
        warmupMs: plan.closedWarmupS * 1000,
        durationMs: plan.closedDurationS * 1000,
        drainMs: CROWD_TIMEOUT_MS + 1000,
        idPrefix: `bench-${plan.runId}-crowd-closed`,
        maxRequests: 5_000_000,
      },
      window,
    );
    const { processes, disturbances } = window.figures();
    return { mode: 'closed', offeredRps: null, concurrency: plan.concurrency, ...stats, processes, disturbances };
  } finally {
    target.close();
  }
}

/** The highest multiple's step, and the moment its sending ends, the recovery at the lowest's rate. */
async function overloadThenRecover(
  crowd: CrowdTarget,
  plan: CrowdPlan,
  multiple: number,
  topRps: number,
  lowRps: number,
  baselineP99Ms: number | null,
  sampler: ProcessSampler,
): Promise<{ top: CrowdStepResult; recovery: CrowdRecovery }> {
  const topWindow = new CrowdWindow(sampler);
  const over = startCrowdStep(crowd, stepOptions(topRps, plan.warmupS, plan.durationS), topWindow);
  await over.sent;
  const recoveryWindow = new CrowdWindow(sampler);
  const recoveryS = Math.max(RECOVERY.minWindowS, plan.durationS);
  const back = startCrowdStep(crowd, { ...stepOptions(lowRps, 0, recoveryS), sliceMs: RECOVERY.sliceMs }, recoveryWindow);
  const [overOut, backOut] = await Promise.all([over.done, back.done]);
  const thresholdMs = baselineP99Ms === null ? null : RECOVERY.factor * baselineP99Ms;
  const sliceP99Ms = backOut.sliceP99Ms ?? [];
  const recoveredAfterMs = thresholdMs === null ? null : recoveryTime(sliceP99Ms, RECOVERY.sliceMs, thresholdMs, RECOVERY.holdSlices);
  const relapses =
    thresholdMs === null || recoveredAfterMs === null ? 0 : slicesAbove(sliceP99Ms, RECOVERY.sliceMs, thresholdMs, recoveredAfterMs);
  return {
    top: stepResult(`${multiple}x`, multiple, topRps, overOut.stats, topWindow.figures()),
    recovery: {
      fromRps: topRps,
      toRps: lowRps,
      sliceMs: RECOVERY.sliceMs,
      baselineP99Ms,
      thresholdMs,
      recoveredAfterMs,
      relapses,
      sliceP99Ms,
      step: stepResult('recovery', null, lowRps, backOut.stats, recoveryWindow.figures()),
    },
  };
}

function stepResult(
  label: string,
  multiple: number | null,
  offeredRps: number,
  stats: CrowdStats,
  figures: CrowdWindowFigures,
): CrowdStepResult {
  return { label, multiple, offeredRps, ...stats, ...figures };
}

/** Waits until every request of the crowd ended (bounded), then a pause. */
async function quiet(crowd: CrowdTarget): Promise<void> {
  await pollUntil(() => crowd.inFlight === 0, QUIET_MAX_MS, 50);
  await sleep(PAUSE_MS);
}

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));

function describe(step: CrowdStepResult): string {
  const disturbed = step.disturbances.length > 0 ? ` — DISTURBED: ${step.disturbances.join('; ')}` : '';
  return (
    `${step.label}: ${step.offeredRps} req/s offered → goodput ${step.goodputRps.toFixed(0)}/s, p50 ${ms(step.latencyMs.p50)} ` +
    `p99 ${ms(step.latencyMs.p99)} ms, shed ${step.shed}, errors ${step.errors}, no answer ${step.noAnswer}, ` +
    `listen overflows ${step.tcp?.listenOverflows ?? '-'}${disturbed}`
  );
}
