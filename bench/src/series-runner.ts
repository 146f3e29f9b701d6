import { runClosedLoop } from './load/closed-loop';
import { sleep } from './load/clock';
import { runOpenLoop } from './load/open-loop';
import type { Target } from './load/target';
import { NO_HOOKS, type WindowHooks } from './load/window-hooks';
import type { ProcessSampler } from './procs/sampler';
import type { SeriesName, SeriesResult, StepResult } from './report/types';
import { SERIES_LABELS } from './report/types';

export interface SeriesPlan {
  name: SeriesName;
  rates: number[];
  warmupS: number;
  /** Seconds of unmeasured load before the first step (0: none). */
  settleS: number;
  durationS: number;
  closedWarmupS: number;
  closedDurationS: number;
  concurrency: number;
  drainS: number;
  runId: string;
}

const PAUSE_BETWEEN_STEPS_MS = 1000;
/** The settle load's rate: the highest step's, at most this. */
const SETTLE_RATE_MAX = 1000;
const SETTLE_QUIET_MS = 1000;
const SETTLE_MAX_MS = 30_000;

/**
 * After a step, waits until no stray answer (late, after the drain) arrived for a second — an
 * overloaded step leaves a backlog in the system that must not be counted in the next step.
 * Bounded by 30 s. Returns the number of stray answers seen meanwhile.
 */
export async function settle(target: Target): Promise<number> {
  let stray = 0;
  const rounds = Math.ceil(SETTLE_MAX_MS / SETTLE_QUIET_MS);
  for (let i = 0; i < rounds; i++) {
    await sleep(SETTLE_QUIET_MS);
    const n = target.takeUnmatched();
    stray += n;
    if (n === 0) break;
  }
  return stray;
}

/** Runs the open-loop steps, then the closed loop, of one series against `target`, sampling processes per step. */
export async function runSeries(
  target: Target,
  plan: SeriesPlan,
  sampler: ProcessSampler,
  log: (line: string) => void,
): Promise<SeriesResult> {
  const result: SeriesResult = { name: plan.name, label: SERIES_LABELS[plan.name], open: [], closed: null };
  let usage: StepResult['processes'] = {};
  let disturbances: string[] = [];
  const hooks: WindowHooks = {
    windowStart: () => sampler.windowStart(),
    windowEnd: () => {
      const window = sampler.windowEnd();
      usage = window.usage;
      disturbances = window.events;
    },
  };

  if (plan.settleS > 0 && plan.rates.length > 0) {
    // JIT, connection pools, broker caches and GC sizing settle in the first seconds of load: a
    // measured first step would carry them (its p99 several times the steady state's).
    const rate = Math.min(SETTLE_RATE_MAX, Math.max(...plan.rates));
    log(`${plan.name}: settling at ${rate} req/s for ${plan.settleS} s (not measured)`);
    await runOpenLoop(
      target,
      {
        ratePerSecond: rate,
        warmupMs: 0,
        durationMs: plan.settleS * 1000,
        drainMs: plan.drainS * 1000,
        idPrefix: `bench-${plan.runId}-${plan.name}-settle`,
      },
      NO_HOOKS,
    );
    await pause(target, plan.name, log);
  }

  for (const rate of plan.rates) {
    const stats = await runOpenLoop(
      target,
      {
        ratePerSecond: rate,
        warmupMs: plan.warmupS * 1000,
        durationMs: plan.durationS * 1000,
        drainMs: plan.drainS * 1000,
        idPrefix: `bench-${plan.runId}-${plan.name}-r${rate}`,
      },
      hooks,
    );
    const step: StepResult = { mode: 'open', offeredRps: rate, concurrency: null, ...stats, processes: usage, disturbances };
    result.open.push(step);
    log(`${plan.name}: ${rate} req/s offered → ${describe(step)}`);
    await pause(target, plan.name, log);
  }

  const stats = await runClosedLoop(
    target,
    {
      concurrency: plan.concurrency,
      warmupMs: plan.closedWarmupS * 1000,
      durationMs: plan.closedDurationS * 1000,
      drainMs: plan.drainS * 1000,
      idPrefix: `bench-${plan.runId}-${plan.name}-closed`,
      maxRequests: 5_000_000,
    },
    hooks,
  );
  result.closed = { mode: 'closed', offeredRps: null, concurrency: plan.concurrency, ...stats, processes: usage, disturbances };
  log(`${plan.name}: closed loop, ${plan.concurrency} in flight → ${describe(result.closed)}`);
  await pause(target, plan.name, log);
  return result;
}

async function pause(target: Target, name: string, log: (line: string) => void): Promise<void> {
  const stray = await settle(target);
  if (stray > 0) log(`${name}: ${stray} answers still arrived after the drain`);
  await sleep(PAUSE_BETWEEN_STEPS_MS);
}

function describe(step: StepResult): string {
  const l = step.latencyMs;
  const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));
  const disturbed = step.disturbances.length > 0 ? ` — DISTURBED: ${step.disturbances.join('; ')}` : '';
  return `${step.achievedRps.toFixed(0)} req/s, p50 ${ms(l.p50)} p99 ${ms(l.p99)} ms, ${step.errors} errors, ${step.partial} partial${disturbed}`;
}
