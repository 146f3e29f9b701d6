import { existsSync } from 'node:fs';
import { clockTicksPerSecond, readCpuTicks, readMemory } from './proc-stat';

/** What one process used during one measurement window. */
export interface ProcessUsage {
  pid: number;
  cpuSeconds: number;
  /** cpuSeconds over the window's wall time, in % of one core. */
  cpuPercent: number;
  /** Highest VmRSS seen by the sampler during the window. */
  peakRssMb: number;
}

/** What one process used over the whole run. */
export interface ProcessLifetime {
  pid: number;
  /** CPU seconds from when the sampler started watching it to its last sample. */
  cpuSeconds: number;
  /** VmHWM: the kernel's own peak resident set of the process (the highest of its pids). */
  peakRssMb: number;
}

/** One window's figures, and what happened to the watched processes meanwhile. */
export interface WindowUsage {
  usage: Record<string, ProcessUsage>;
  /** e.g. `kafka (pid 123) went away`, `kafka restarted as pid 456`. */
  events: string[];
}

interface Watched {
  /** Where the pid comes from again when the process is restarted (e.g. a pid file). */
  resolve: (() => number | undefined) | undefined;
  pid: number | undefined;
  lastPid: number;
  /** CPU ticks over all pids this name had: offset + ticks of the current pid. */
  offset: number;
  rawTicks: number;
  windowStartTicks: number;
  windowPeakKb: number;
  hwmKb: number;
}

const MB = 1024;

/**
 * Samples named processes from /proc: CPU seconds (utime + stime over CLK_TCK) between
 * `windowStart` and `windowEnd`, and the peak VmRSS seen every `intervalMs` in between. A process
 * given with a resolver (the broker, etcd: their pid files) is followed across restarts, and its
 * going away and coming back are reported as events of the window.
 */
export class ProcessSampler {
  private readonly watched = new Map<string, Watched>();
  private readonly gone = new Map<string, ProcessLifetime>();
  private readonly ticksPerSecond = clockTicksPerSecond();
  private timer: NodeJS.Timeout | undefined;
  private windowStartedAt = 0;
  private events: string[] = [];

  constructor(private readonly intervalMs = 200) {}

  /** Watches `pid` under `name` from now on; with `resolve`, finds it again after a restart. */
  add(name: string, pid: number | undefined, resolve?: () => number | undefined): void {
    const ticks = pid === undefined ? undefined : ticksOf(pid);
    if (pid === undefined || ticks === undefined) return;
    this.watched.set(name, { resolve, pid, lastPid: pid, offset: -ticks, rawTicks: ticks, windowStartTicks: 0, windowPeakKb: 0, hwmKb: 0 });
    this.sample();
  }

  /**
   * Stops watching `name`, keeping its lifetime figures — under `keepAs` if given (a later process
   * of the same name) — call it just before the process ends.
   */
  remove(name: string, keepAs = name): void {
    this.sample();
    const w = this.watched.get(name);
    if (w) this.gone.set(keepAs, this.lifetimeOf(w));
    this.watched.delete(name);
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  windowStart(): void {
    this.sample();
    this.windowStartedAt = Date.now();
    this.events = [];
    for (const w of this.watched.values()) {
      w.windowStartTicks = w.offset + w.rawTicks;
      w.windowPeakKb = w.pid === undefined ? 0 : (readMemory(w.pid)?.rssKb ?? 0);
    }
  }

  windowEnd(): WindowUsage {
    this.sample();
    const wallS = Math.max(1e-3, (Date.now() - this.windowStartedAt) / 1000);
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, w] of this.watched) {
      const cpuSeconds = (w.offset + w.rawTicks - w.windowStartTicks) / this.ticksPerSecond;
      usage[name] = { pid: w.lastPid, cpuSeconds, cpuPercent: (100 * cpuSeconds) / wallS, peakRssMb: w.windowPeakKb / MB };
    }
    return { usage, events: this.events };
  }

  /** CPU seconds of each process during the run, and its VmHWM (last seen, for processes gone since). */
  lifetime(): Record<string, ProcessLifetime> {
    this.sample();
    const out: Record<string, ProcessLifetime> = Object.fromEntries(this.gone);
    for (const [name, w] of this.watched) out[name] = this.lifetimeOf(w);
    return out;
  }

  private lifetimeOf(w: Watched): ProcessLifetime {
    return { pid: w.lastPid, cpuSeconds: (w.offset + w.rawTicks) / this.ticksPerSecond, peakRssMb: w.hwmKb / MB };
  }

  private sample(): void {
    for (const [name, w] of this.watched) {
      if (w.pid !== undefined) {
        const ticks = ticksOf(w.pid);
        // Unreadable but still there (e.g. this process is out of file descriptors): no sample this time.
        if (ticks === undefined && existsSync(`/proc/${w.pid}`)) continue;
        if (ticks === undefined) {
          this.events.push(`${name} (pid ${w.pid}) went away`);
          w.offset += w.rawTicks;
          w.rawTicks = 0;
          w.pid = undefined;
        } else {
          w.rawTicks = ticks;
        }
      }
      const resolved = w.resolve?.();
      if (resolved !== undefined && resolved !== w.pid) {
        const ticks = ticksOf(resolved);
        if (ticks !== undefined) {
          if (w.pid !== undefined) this.events.push(`${name} (pid ${w.pid}) replaced`);
          this.events.push(`${name} restarted as pid ${resolved}`);
          // Count the new process from now on, not its start-up before we saw it.
          w.offset += w.rawTicks - ticks;
          w.rawTicks = ticks;
          w.pid = resolved;
          w.lastPid = resolved;
        }
      }
      if (w.pid === undefined) continue;
      const memory = readMemory(w.pid);
      if (!memory) continue;
      w.windowPeakKb = Math.max(w.windowPeakKb, memory.rssKb);
      w.hwmKb = Math.max(w.hwmKb, memory.hwmKb);
    }
  }
}

function ticksOf(pid: number): number | undefined {
  const t = readCpuTicks(pid);
  return t ? t.utime + t.stime : undefined;
}
