import type { ServerResponse } from 'node:http';
import type { ConsoleDeadLetter, ConsoleHello, ConsoleRequest, ConsoleTopology, ConsoleTrafficTick } from './console.events';

/** How often answered requests and dead letters go out to the consoles, ms (at most four events a second). */
export const FLUSH_INTERVAL_MS = 250;
/** A comment line this often keeps idle connections (and proxies on the way) open, ms. */
export const KEEP_ALIVE_MS = 15_000;
/** A console that has this much unsent is too slow to follow: it is dropped (its browser reconnects). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Answered requests sent per flush at most (400 a second): beyond, the page could not show them anyway. */
export const MAX_REQUESTS_PER_FLUSH = 100;
/** Of a flush's requests beyond the cap, the slowest this many are sent all the same (the "slowest" list). */
const SLOWEST_KEPT = 10;

/**
 * The requests of one flush that go out, in the order they were answered: all of them up to `max`;
 * beyond, every one that was not complete (newest first, the "partial" list), then the slowest, then
 * the newest of the rest (the "recent" list), `max` in all. Every request stays in the ring, where
 * the search finds it.
 */
export function requestsToSend(batch: ConsoleRequest[], max = MAX_REQUESTS_PER_FLUSH): ConsoleRequest[] {
  if (batch.length <= max) return batch;
  const chosen = new Set<ConsoleRequest>();
  const add = (requests: ConsoleRequest[]) => {
    for (const r of requests) if (chosen.size < max) chosen.add(r);
  };
  const newestFirst = [...batch].reverse();
  add(newestFirst.filter((r) => r.status !== 'complete'));
  add([...batch].sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, SLOWEST_KEPT));
  add(newestFirst);
  return batch.filter((r) => chosen.has(r));
}

/**
 * The consoles connected to this ops instance, over Server-Sent Events: each gets `hello` with
 * everything at once, then what changes. Answered requests and dead letters are gathered and sent
 * every {@link FLUSH_INTERVAL_MS} while at least one console is connected; with none, nothing is
 * gathered and the request path pays one length check.
 */
export class ConsoleFeed {
  private readonly clients = new Set<ServerResponse>();
  private requests: ConsoleRequest[] = [];
  private deadLetters: ConsoleDeadLetter[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;

  /** Consoles connected now. */
  get connected(): number {
    return this.clients.size;
  }

  /** Starts the stream on `res` with `hello`; it ends when the client goes or {@link close} is called. */
  open(res: ServerResponse, hello: ConsoleHello): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies that buffer (nginx) would hold the events back.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    // A reconnecting browser waits this long (EventSource's own default is about 3 s).
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => this.drop(res));
    res.write(frame('hello', hello));
    this.flushTimer ??= setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.keepAliveTimer ??= setInterval(() => this.clients.forEach((c) => c.write(': keep-alive\n\n')), KEEP_ALIVE_MS);
  }

  /** Queues an answered request for the consoles (nothing when none is connected). */
  request(request: ConsoleRequest): void {
    if (this.clients.size > 0) this.requests.push(request);
  }

  /** Queues a dead letter for the consoles. */
  deadLetter(entry: ConsoleDeadLetter): void {
    if (this.clients.size > 0) this.deadLetters.push(entry);
  }

  /** Sends one second of traffic. */
  traffic(tick: ConsoleTrafficTick): void {
    this.broadcast('traffic', tick);
  }

  /** Sends the topology. */
  topology(topology: ConsoleTopology): void {
    this.broadcast('topology', topology);
  }

  /** Ends every stream (ops is stopping; the browsers reconnect to another instance or later). */
  close(): void {
    for (const res of [...this.clients]) res.end();
    this.clients.clear();
    this.stopTimers();
  }

  private flush(): void {
    if (this.requests.length > 0) {
      const requests = requestsToSend(this.requests);
      this.requests = [];
      this.broadcast('requests', requests);
    }
    if (this.deadLetters.length > 0) {
      const entries = this.deadLetters;
      this.deadLetters = [];
      this.broadcast('dead-letters', entries);
    }
  }

  private broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data); // serialised once for every console
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(text);
    }
  }

  private drop(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size > 0) return;
    this.stopTimers();
    this.requests = [];
    this.deadLetters = [];
  }

  private stopTimers(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.keepAliveTimer);
    this.flushTimer = undefined;
    this.keepAliveTimer = undefined;
  }
}

/** One Server-Sent Event: its name and its data as one JSON line (JSON never holds a raw line break). */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
