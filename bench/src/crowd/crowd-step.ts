import { now, pollUntil } from '../load/clock';
import { fireOnSchedule } from '../load/open-loop';
import { FixedRateSchedule } from '../load/schedule';
import type { WindowHooks } from '../load/window-hooks';
import { CrowdCollector, type CrowdStats } from './crowd-collector';
import type { CrowdOutcome } from './crowd-outcome';
import { SliceRecorder } from './recovery';

/** Anything the crowd can send a request to (the crowd HTTP target). */
export interface CrowdSender {
  send(done: (outcome: CrowdOutcome) => void): void;
}

/** One open-loop crowd step. */
export interface CrowdStepOptions {
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /** The request timeout: an aggregate later than this after its intended time is no answer. */
  timeoutMs: number;
  /** Also record the measured requests in slices of this many ms from the window's start (the recovery). */
  sliceMs?: number;
}

/** What a step ended with. */
export interface CrowdStepOutput {
  stats: CrowdStats;
  /** p99 per slice (with `sliceMs`), failures counted as the timeout; null without. */
  sliceP99Ms: Array<number | null> | null;
}

/** A running step: `sent` when its last request went out (and its window closed), `done` when every request ended. */
export interface CrowdStepRun {
  sent: Promise<void>;
  done: Promise<CrowdStepOutput>;
}

/** How much longer than the request timeout `done` waits for the last outcomes. */
const DRAIN_SLACK_MS = 2000;

/**
 * Starts an open-loop step: requests at a fixed rate on the open-loop clock (latency from the
 * intended time), window hooks at the window's edges. Another step may start as soon as `sent`
 * resolves (the recovery starts while the overload's answers are still coming in).
 */
export function startCrowdStep(target: CrowdSender, options: CrowdStepOptions, hooks: WindowHooks): CrowdStepRun {
  const start = now() + 5;
  const schedule = new FixedRateSchedule(start, options.ratePerSecond, options.warmupMs + options.durationMs);
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const slices = options.sliceMs
    ? new SliceRecorder(windowStart, options.sliceMs, Math.ceil(options.durationMs / options.sliceMs))
    : undefined;
  const collector = new CrowdCollector(windowStart, windowEnd, options.timeoutMs, slices);
  const sent = fireOnSchedule(
    schedule,
    (_index, intended) => {
      collector.sent(intended, now());
      target.send((outcome) => collector.complete(intended, now(), outcome));
    },
    windowStart,
    hooks,
  ).then(() => hooks.windowEnd());
  const done = sent.then(async () => {
    await pollUntil(() => collector.pending <= 0, options.timeoutMs + DRAIN_SLACK_MS, 50);
    return { stats: collector.finish(), sliceP99Ms: slices ? slices.p99s() : null };
  });
  return { sent, done };
}
