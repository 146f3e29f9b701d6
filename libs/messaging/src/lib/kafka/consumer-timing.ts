/** Group timing both Kafka clients' consumers use: a dead member is noticed within ten seconds. */
export const GROUP_TIMING = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10_000 } as const;

/** A consumer source counts as ready while its last fetch answered at most this long ago. */
export const READY_FETCH_AGE_MS = 5000;

/** Resolves after `ms`; the timer does not keep the process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
