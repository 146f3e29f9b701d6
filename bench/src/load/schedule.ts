/**
 * The clock of an open-loop generator: shot i is *intended* at `startMs + i · 1000 / rate`,
 * whatever happened to the shots before it. Latency is measured from this intended time, so a
 * stalled system (or a stalled generator) cannot hide its stall by slowing the sender down —
 * the correction for coordinated omission.
 */
export class FixedRateSchedule {
  readonly intervalMs: number;
  readonly total: number;

  constructor(
    readonly startMs: number,
    readonly ratePerSecond: number,
    durationMs: number,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
    if (!(durationMs >= 0)) throw new RangeError(`duration must be ≥ 0, got ${durationMs}`);
    this.intervalMs = 1000 / ratePerSecond;
    // Shots whose intended time falls inside [start, start + duration).
    this.total = Math.max(0, Math.ceil((durationMs * ratePerSecond) / 1000 - 1e-9));
  }

  /** The intended send time of shot `index` (0-based). */
  intendedAt(index: number): number {
    return this.startMs + index * this.intervalMs;
  }

  /** How many shots are due at `nowMs` (intended at or before it), never more than `total`. */
  dueCount(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    const due = Math.floor((nowMs - this.startMs) / this.intervalMs + 1e-9) + 1;
    return Math.min(this.total, due);
  }

  /** Milliseconds from `nowMs` until shot `index` is due (0 when it already is). */
  delayUntil(index: number, nowMs: number): number {
    return Math.max(0, this.intendedAt(index) - nowMs);
  }

  /** The end of the schedule: the intended time just past the last shot. */
  get endMs(): number {
    return this.startMs + this.total * this.intervalMs;
  }
}
