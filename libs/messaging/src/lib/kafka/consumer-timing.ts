/** A consumer source counts as ready while its last fetch answered at most this long ago. */
export const READY_FETCH_AGE_MS = 5000;

/** Resolves after `ms`; the timer does not keep the process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
