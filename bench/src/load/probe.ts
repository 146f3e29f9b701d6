import { now, pollUntil } from './clock';
import type { Outcome, Target } from './target';

/**
 * Sends single requests (one every `everyMs`) until one is answered `ok`, or `timeoutMs` passed:
 * the system is warm and every consumer group on the path has its partitions. Returns the last
 * outcome seen (undefined: no answer at all).
 */
export async function probeUntilOk(
  target: Target,
  idPrefix: string,
  timeoutMs: number,
  everyMs = 500,
): Promise<{ ok: boolean; last?: Outcome }> {
  const deadline = now() + timeoutMs;
  let last: Outcome | undefined;
  let ok = false;
  const maxProbes = Math.ceil(timeoutMs / everyMs) + 1;
  for (let i = 0; i < maxProbes && !ok && now() < deadline; i++) {
    target.send(`${idPrefix}-probe-${i}`, (outcome) => {
      last = outcome;
      if (outcome.kind === 'ok') ok = true;
    });
    await pollUntil(() => ok, Math.min(everyMs, Math.max(0, deadline - now())));
  }
  if (!ok) await pollUntil(() => ok, Math.max(0, Math.min(3000, deadline - now())));
  target.reset();
  target.takeUnmatched();
  return last === undefined ? { ok } : { ok, last };
}
