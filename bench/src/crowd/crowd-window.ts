import type { WindowHooks } from '../load/window-hooks';
import type { ProcessSampler, ProcessUsage } from '../procs/sampler';
import { readTcpCounters, tcpDelta, type TcpCounters } from '../procs/tcp-counters';

/** What a crowd step's window saw besides its answers. */
export interface CrowdWindowFigures {
  /** Kernel TCP counters' change over the window (null: /proc/net unreadable). */
  tcp: TcpCounters | null;
  processes: Record<string, ProcessUsage>;
  disturbances: string[];
}

/**
 * Window hooks of a crowd step: the process sampler's window, and the kernel's TCP counters read
 * at the window's start and end. `figures()` gives them after the window closed.
 */
export class CrowdWindow implements WindowHooks {
  private start: TcpCounters | undefined;
  private result: CrowdWindowFigures = { tcp: null, processes: {}, disturbances: [] };

  constructor(private readonly sampler: ProcessSampler) {}

  windowStart(): void {
    this.sampler.windowStart();
    this.start = readTcpCounters();
  }

  windowEnd(): void {
    const end = readTcpCounters();
    const window = this.sampler.windowEnd();
    this.result = {
      tcp: this.start && end ? tcpDelta(this.start, end) : null,
      processes: window.usage,
      disturbances: window.events,
    };
  }

  /** The figures of the last window closed. */
  figures(): CrowdWindowFigures {
    return this.result;
  }
}
