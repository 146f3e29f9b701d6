/** Settings of {@link GradientLimit}; checked at construction. */
export interface GradientLimitOptions {
  /** The limit before anything was measured. */
  initialLimit: number;
  /** The limit never falls below this (so a quiet but slow system still serves). */
  minLimit: number;
  /** … nor rises above this (OPS_MAX_IN_FLIGHT: memory, not latency, bounds it there). */
  maxLimit: number;
  /**
   * How many times slower than the no-load latency a window's latency may be before the limit
   * shrinks. Batching under load makes a healthy gateway 2–3× slower than an idle one, which
   * must not read as a queue.
   */
  tolerance: number;
  /** How far each window moves a shrinking limit toward the one it computed (0–1]; growth is not smoothed. */
  smoothing: number;
  /**
   * How fast the no-load latency forgets an old minimum: per window, it moves this fraction of
   * the way toward a slower window's latency (so a system that became slower for good — a
   * slower chain — is not shed forever).
   */
  baselineDrift: number;
}

/** One measurement window: the latency of its requests and the most that were in flight. */
export interface LimitWindow {
  /** The window's latency (a high percentile of the requests that finished in it), ms. */
  latencyMs: number;
  /** The most requests in flight at once during the window. */
  maxInFlight: number;
}

/** The defaults of {@link GradientLimit} (docs/admission.md explains each). */
export const GRADIENT_DEFAULTS: GradientLimitOptions = {
  initialLimit: 128,
  minLimit: 32,
  maxLimit: 10_000,
  tolerance: 3,
  smoothing: 0.25,
  baselineDrift: 0.002,
};

/**
 * A concurrency limit that learns from measured latency, in the manner of Netflix's Gradient
 * limit and Envoy's adaptive concurrency filter: it keeps an estimate of the latency with no
 * queue (the lowest window seen, drifting slowly up), and after each window multiplies the limit by
 * `tolerance × baseline ÷ latency` (between 0.5 and 1) and adds a headroom of √limit — so the
 * limit grows while latency stays near the baseline and shrinks as soon as a queue builds.
 * A window that used less than half the limit leaves it as it is.
 * Pure arithmetic: the caller feeds it windows, so it is testable without a clock.
 */
export class GradientLimit {
  private current: number;
  private noLoad: number | undefined;

  constructor(private readonly options: GradientLimitOptions) {
    const { initialLimit, minLimit, maxLimit, tolerance, smoothing, baselineDrift } = options;
    if (!(minLimit >= 1 && maxLimit >= minLimit)) throw new RangeError(`limits must satisfy 1 <= min (${minLimit}) <= max (${maxLimit})`);
    if (!(initialLimit >= minLimit && initialLimit <= maxLimit))
      throw new RangeError(`initial limit ${initialLimit} is outside [min, max]`);
    if (!(tolerance >= 1)) throw new RangeError(`tolerance must be >= 1 (got ${tolerance})`);
    if (!(smoothing > 0 && smoothing <= 1)) throw new RangeError(`smoothing must be in (0, 1] (got ${smoothing})`);
    if (!(baselineDrift >= 0 && baselineDrift < 1)) throw new RangeError(`baselineDrift must be in [0, 1) (got ${baselineDrift})`);
    this.current = initialLimit;
  }

  /** The number of requests that may be in flight now (an integer, at least `minLimit`). */
  get limit(): number {
    return Math.floor(this.current);
  }

  /** The latency with no queue, as estimated so far (undefined before the first window). */
  get baselineMs(): number | undefined {
    return this.noLoad;
  }

  /** Takes one window's measurement and returns the new limit. */
  update(window: LimitWindow): number {
    const { latencyMs, maxInFlight } = window;
    if (!(latencyMs > 0) || !Number.isFinite(latencyMs)) return this.limit;
    const { tolerance, smoothing, baselineDrift, minLimit, maxLimit } = this.options;
    this.noLoad =
      this.noLoad === undefined || latencyMs < this.noLoad ? latencyMs : this.noLoad + (latencyMs - this.noLoad) * baselineDrift;
    // A window that used less than half the limit says nothing of it: its latency was not caused
    // by the limit being too high, and growing on it would earn a quiet system an unbounded limit.
    if (maxInFlight < this.current / 2) return this.limit;
    const gradient = Math.min(1, Math.max(0.5, (tolerance * this.noLoad) / latencyMs));
    const target = this.current * gradient + Math.sqrt(this.current);
    // Shrinking is smoothed (one slow window is not a queue); growing is not, so that a limit
    // that fell during a fault (slow answers while the broker came back) is regained within
    // about a second once latency is normal again.
    const next = target < this.current ? this.current + (target - this.current) * smoothing : target;
    this.current = Math.min(maxLimit, Math.max(minLimit, next));
    return this.limit;
  }
}
