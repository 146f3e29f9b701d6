import { percentileOf } from './percentile';

/** Options of {@link LoopDelayProbe}. */
export interface LoopDelayProbeOptions {
  /** How often the probe's timer asks to run, in ms (default 5). */
  intervalMs?: number;
  /** The percentile of a period's delays {@link LoopDelayProbe.take} gives (default 0.9). */
  percentile?: number;
}

/** Delays kept per period at most (20 s of 5 ms ticks); a longer period keeps its latest. */
const MAX_SAMPLES = 4096;

/**
 * How long a request waits before ops can look at it: the delay of ops' event loop. A request that
 * arrives while the loop is busy sits in the kernel until the loop comes round, and no latency
 * measured from the handler onwards sees that wait (`ops_event_loop_delay_seconds`, docs/metrics.md).
 * Measured with a repeating timer: each tick records how much later than asked it
 * ran. A loop so busy that the tick has not run yet counts the wait so far too, so a stalled loop
 * reads as stalled, not as quiet. The timer does not keep the process alive.
 */
export class LoopDelayProbe {
  private readonly intervalMs: number;
  private readonly percentile: number;
  /** The period's delays, a ring of the latest {@link MAX_SAMPLES}. */
  private readonly ring = new Float64Array(MAX_SAMPLES);
  private count = 0;
  private next = 0;
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(options: LoopDelayProbeOptions = {}) {
    this.intervalMs = options.intervalMs ?? 5;
    this.percentile = options.percentile ?? 0.9;
    if (!(this.intervalMs >= 1 && this.percentile > 0 && this.percentile <= 1))
      throw new RangeError('loop delay probe settings out of range');
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** The loop's delay in the period since the previous call, in ms (a high percentile); starts a new period. */
  take(): number {
    const pending = performance.now() - this.last - this.intervalMs;
    const samples = Array.from(this.ring.subarray(0, this.count));
    this.count = 0;
    this.next = 0;
    if (pending > 0) samples.push(pending);
    return percentileOf(samples, this.percentile);
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.now();
    const delay = Math.max(0, now - this.last - this.intervalMs);
    this.last = now;
    this.ring[this.next] = delay;
    this.next = (this.next + 1) % MAX_SAMPLES;
    if (this.count < MAX_SAMPLES) this.count++;
  }
}
