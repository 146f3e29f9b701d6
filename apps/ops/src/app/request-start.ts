/**
 * When the time of an `ops.req` request starts (contract §8): at its record's timestamp, so that a
 * request that waited in a backlog has used up that part of its `timeoutMs`. Clocks differ between
 * the producing client and ops, so the first `maxClockSkewMs` of a record's age are not counted (a
 * client whose clock is that far behind is not refused), and a timestamp in ops' future counts as
 * now. A record without a usable timestamp starts now.
 */
export function requestStart(recordTimestamp: number, now: number, maxClockSkewMs: number): number {
  if (!Number.isFinite(recordTimestamp) || recordTimestamp <= 0) return now;
  return Math.min(now, recordTimestamp + maxClockSkewMs);
}
