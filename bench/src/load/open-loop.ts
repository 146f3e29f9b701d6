import { now, pollUntil } from './clock';
import { StepCollector, type StepStats } from './collector';
import { FixedRateSchedule } from './schedule';
import type { Target } from './target';
import { NO_HOOKS, type WindowHooks } from './window-hooks';

export interface OpenLoopOptions {
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /** How long to wait after the last send for answers still out; then they count as missing. */
  drainMs: number;
  /** Prefix of the request ids (uids) of this step. */
  idPrefix: string;
}

/** The longest the generator sleeps between two checks of its clock. */
const MAX_TICK_MS = 20;

/**
 * Sends at a fixed rate for warm-up + duration, whatever the answers do (open loop), and measures
 * every latency from the shot's intended time. Each tick sends every shot that is due, so a late
 * tick sends a burst rather than dropping the shots (and their lateness is in the latency).
 */
export async function runOpenLoop(target: Target, options: OpenLoopOptions, hooks: WindowHooks = NO_HOOKS): Promise<StepStats> {
  const start = now() + 5;
  const schedule = new FixedRateSchedule(start, options.ratePerSecond, options.warmupMs + options.durationMs);
  const windowStart = start + options.warmupMs;
  const windowEnd = schedule.startMs + options.warmupMs + options.durationMs;
  const collector = new StepCollector(windowStart, windowEnd);
  target.takeUnmatched();

  let next = 0;
  let windowOpen = false;
  const hardStop = windowEnd + 10_000; // if the event loop is stuck this long, stop sending

  const fire = (index: number): void => {
    const intended = schedule.intendedAt(index);
    collector.sent(intended);
    target.send(`${options.idPrefix}-${index}`, (outcome) => collector.complete(intended, now(), outcome));
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const t = now();
      if (!windowOpen && t >= windowStart) {
        windowOpen = true;
        hooks.windowStart();
      }
      const due = schedule.dueCount(t);
      while (next < due) fire(next++);
      if (next >= schedule.total || t > hardStop) {
        resolve();
        return;
      }
      setTimeout(tick, Math.min(MAX_TICK_MS, schedule.delayUntil(next, now())));
    };
    tick();
  });
  if (!windowOpen) hooks.windowStart();
  hooks.windowEnd();

  await pollUntil(() => collector.pending <= 0, options.drainMs);
  target.reset();
  return collector.finish(target.takeUnmatched());
}
