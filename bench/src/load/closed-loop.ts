import { now, pollUntil, sleep } from './clock';
import { StepCollector, type StepStats } from './collector';
import type { Target } from './target';
import { NO_HOOKS, type WindowHooks } from './window-hooks';

export interface ClosedLoopOptions {
  /** Requests outstanding at once (connections for HTTP, in-flight uids for Kafka). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  drainMs: number;
  idPrefix: string;
  /** Upper bound on requests sent, whatever the duration. */
  maxRequests: number;
}

/**
 * `concurrency` virtual clients, each sending its next request as soon as its previous one is
 * answered, as fast as the system allows: the maximum throughput. Latency is from the real send.
 */
export async function runClosedLoop(target: Target, options: ClosedLoopOptions, hooks: WindowHooks = NO_HOOKS): Promise<StepStats> {
  const start = now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const collector = new StepCollector(windowStart, windowEnd);
  target.takeUnmatched();
  let issued = 0;

  const go = (): void => {
    const sentAt = now();
    if (sentAt >= windowEnd || issued >= options.maxRequests) return;
    const id = `${options.idPrefix}-${issued++}`;
    collector.sent(sentAt);
    target.send(id, (outcome) => {
      collector.complete(sentAt, now(), outcome);
      // After an error, pause a little instead of spinning on a failing target.
      if (outcome.kind === 'error') setTimeout(go, 5);
      else go();
    });
  };

  for (let i = 0; i < options.concurrency; i++) go();
  await sleep(Math.max(0, windowStart - now()));
  hooks.windowStart();
  await sleep(Math.max(0, windowEnd - now()));
  hooks.windowEnd();

  await pollUntil(() => collector.pending <= 0, options.drainMs);
  target.reset();
  return collector.finish(target.takeUnmatched());
}
