import { performance } from 'node:perf_hooks';

/** Monotonic milliseconds (fractional). */
export const now = (): number => performance.now();

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `everyMs` until it returns true or `timeoutMs` passed; resolves with whether
 * it became true. Bounded by its time limit and by a count of polls.
 */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / everyMs) + 1;
  for (let i = 0; i < maxPolls; i++) {
    if (await check()) return true;
    if (now() >= deadline) return false;
    await sleep(everyMs);
  }
  return false;
}
