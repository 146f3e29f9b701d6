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

  await fireOnSchedule(
    schedule,
    (index, intended) => {
      collector.sent(intended);
      target.send(`${options.idPrefix}-${index}`, (outcome) => collector.complete(intended, now(), outcome));
    },
    windowStart,
    hooks,
  );
  hooks.windowEnd();

  await pollUntil(() => collector.pending <= 0, options.drainMs);
  target.reset();
  return collector.finish(target.takeUnmatched());
}

/**
 * The open-loop clock: calls `fire(i, intendedAt)` for every shot of `schedule` once it is due
 * (a late tick fires a burst, nothing is skipped), calls `hooks.windowStart` when the clock
 * passes `windowStartMs` (at the latest after the last shot), and resolves after the last shot —
 * or 10 s after the schedule's end if the event loop is stuck that long.
 */
export function fireOnSchedule(
  schedule: FixedRateSchedule,
  fire: (index: number, intendedAtMs: number) => void,
  windowStartMs: number,
  hooks: Pick<WindowHooks, 'windowStart'>,
): Promise<void> {
  let next = 0;
  let windowOpen = false;
  const hardStop = schedule.endMs + 10_000;
  return new Promise<void>((resolve) => {
    const tick = (): void => {
      const t = now();
      if (!windowOpen && t >= windowStartMs) {
        windowOpen = true;
        hooks.windowStart();
      }
      const due = schedule.dueCount(t);
      while (next < due) {
        fire(next, schedule.intendedAt(next));
        next++;
      }
      if (next >= schedule.total || t > hardStop) {
        if (!windowOpen) hooks.windowStart();
        resolve();
        return;
      }
      setTimeout(tick, Math.min(MAX_TICK_MS, schedule.delayUntil(next, now())));
    };
    tick();
  });
}
