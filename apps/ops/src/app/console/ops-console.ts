import type { LogPort } from '@gateway/messaging';
import { ConsoleFeed } from './console.feed';
import type { ConsoleDeadLetter, ConsoleHello, ConsoleRequest, ConsoleTopology } from './console.events';
import { DeadLetterTail } from './dead-letter-tail';
import { RequestRecorder } from './request-recorder';
import { RequestRing } from './request-ring';
import { TrafficWindow, type LoadGauge } from './traffic-window';

/** How long a console that connects waits for a fresh topology before it gets the last one read, ms. */
const HELLO_TOPOLOGY_WAIT_MS = 1000;

/** Options of {@link OpsConsole}. */
export interface OpsConsoleOptions {
  instanceId: string;
  /** Requests kept for the console (OPS_CONSOLE_RING). */
  ringSize: number;
  /** The `ops.resp` partition this instance reads, once claimed. */
  replyPartition: () => number | undefined;
  /** The gateway's load now, sampled once a second. */
  gauge: () => LoadGauge;
  /** Reads who is registered in etcd now (services, instances, leases, claims). */
  readTopology: () => Promise<ConsoleTopology>;
  logger: LogPort;
}

/**
 * The operator console's state and its live feed (docs/console.md): the ring of answered requests,
 * five minutes of traffic, the latest dead letters, and the topology read from etcd once a second
 * while a console is connected (and at once when the catalog changes). The traffic window ticks
 * every second whether or not anyone watches, so that a console opened now shows the last five
 * minutes.
 */
export class OpsConsole {
  readonly ring: RequestRing;
  readonly traffic = new TrafficWindow();
  readonly recorder: RequestRecorder;
  readonly feed = new ConsoleFeed();
  private readonly deadLetters = new DeadLetterTail();
  private readonly startedAt = Date.now();
  private topologyNow: ConsoleTopology = { at: 0, services: [] };
  private reading: Promise<ConsoleTopology> | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: OpsConsoleOptions) {
    this.ring = new RequestRing(options.ringSize);
    this.recorder = new RequestRecorder(this.ring, this.traffic, (request) => this.feed.request(request));
  }

  /** Starts the one-second tick. */
  start(): void {
    this.ticker ??= setInterval(() => this.tick(), 1000);
    this.ticker.unref();
  }

  /** Ends every console's stream and stops the tick. */
  close(): void {
    clearInterval(this.ticker);
    this.feed.close();
  }

  /** Everything a console shows, for one that just connected. */
  async hello(): Promise<ConsoleHello> {
    const topology = await Promise.race([
      this.refreshTopology(),
      new Promise<ConsoleTopology>((resolve) => setTimeout(() => resolve(this.topologyNow), HELLO_TOPOLOGY_WAIT_MS).unref()),
    ]);
    return {
      instance: {
        instanceId: this.options.instanceId,
        replyPartition: this.options.replyPartition() ?? null,
        startedAt: this.startedAt,
        ringSize: this.ring.capacity,
      },
      topology,
      traffic: this.traffic.snapshot(),
      requests: this.ring.lists(),
      deadLetters: this.deadLetters.latest(),
    };
  }

  /** The requests of the ring with this uid or trace id. */
  search(query: string): ConsoleRequest[] {
    return this.ring.search(query);
  }

  /** Keeps a dead letter read on the dead-letter topic, and passes it on to the consoles. */
  deadLetter(entry: ConsoleDeadLetter): void {
    this.deadLetters.add(entry);
    this.traffic.countDeadLetters(1);
    this.feed.deadLetter(entry);
  }

  /** Something changed in etcd (the catalog saw it): consoles see it now rather than at the next tick. */
  topologyChanged(): void {
    if (this.feed.connected > 0) void this.refreshTopology();
  }

  private tick(): void {
    const tick = this.traffic.tick(Date.now(), this.options.gauge());
    if (this.feed.connected === 0) return;
    this.feed.traffic(tick);
    void this.refreshTopology();
  }

  /** Reads the topology (one read at a time) and sends it to the consoles. */
  private refreshTopology(): Promise<ConsoleTopology> {
    this.reading ??= this.options
      .readTopology()
      .then(
        (topology) => {
          this.topologyNow = topology;
          this.feed.topology(topology);
          return topology;
        },
        (error: unknown) => {
          this.options.logger.debug({ err: error }, 'console: could not read the topology from etcd');
          return this.topologyNow;
        },
      )
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
