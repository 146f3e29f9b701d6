import { Agent, request, type IncomingMessage } from 'node:http';
import { PAYLOAD } from '../targets/classify';
import { classifyCrowd, type CrowdOutcome } from './crowd-outcome';

/**
 * How the crowd opens connections: `as-needed` — one keep-alive agent without a socket limit
 * (an idle connection is reused, a new one opened when none is idle: vegeta's default);
 * `per-request` — a new connection for every request, `Connection: close`, no reuse.
 */
export type CrowdConnections = 'as-needed' | 'per-request';

/** Every way of opening connections, the default first. */
export const CROWD_CONNECTIONS: readonly CrowdConnections[] = ['as-needed', 'per-request'];

/** Where and how the crowd sends. */
export interface CrowdTargetOptions {
  port: number;
  connections: CrowdConnections;
  /** No answer within this many ms after the send: the request is abandoned as `timeout`. */
  timeoutMs: number;
  /**
   * Most connections open at once (Infinity: no limit). Only the generator's own file descriptors
   * bound it (`crowdConnectionCap`); requests beyond it wait for a connection, their wait in the latency.
   */
  maxConnections: number;
}

/** File descriptors kept free for the rest of the benchmark (its Kafka clients, /proc reads, logs). */
export const FD_HEADROOM = 1024;

/**
 * The crowd's connection limit under a file-descriptor limit: all of it but `FD_HEADROOM`, so the
 * generator never runs out itself (an EMFILE is the generator's failure, not the system's).
 */
export function crowdConnectionCap(openFilesLimit: number | null): number {
  return openFilesLimit === null ? Infinity : Math.max(64, openFilesLimit - FD_HEADROOM);
}

/** Idle keep-alive connections kept for reuse (vegeta's default of idle connections per host). */
const MAX_IDLE = 10_000;

const BODY = Buffer.from(JSON.stringify({ payload: PAYLOAD }));
const KEEP_ALIVE_HEADERS = { 'content-type': 'application/json', 'content-length': BODY.length };
const CLOSE_HEADERS = { ...KEEP_ALIVE_HEADERS, connection: 'close' };

/**
 * `POST /requests` on 127.0.0.1 from a crowd of independent clients: no upper bound on
 * connections, so a system that falls behind sees ever more connection attempts (its accept
 * queue, SYN retransmissions) instead of a queue inside the generator.
 */
export class CrowdTarget {
  private readonly agent: Agent | false;
  private readonly headers: Record<string, string | number>;
  private outstanding = 0;

  constructor(private readonly options: CrowdTargetOptions) {
    const perRequest = options.connections === 'per-request';
    const max = options.maxConnections;
    if (perRequest) this.agent = max === Infinity ? false : new Agent({ keepAlive: false, maxSockets: max });
    else this.agent = new Agent({ keepAlive: true, maxSockets: max, maxFreeSockets: Math.min(MAX_IDLE, max) });
    this.headers = perRequest ? CLOSE_HEADERS : KEEP_ALIVE_HEADERS;
  }

  /** Sends one request; `done` is called once, with its answer, its error or its timeout. */
  send(done: (outcome: CrowdOutcome) => void): void {
    let settled = false;
    this.outstanding++;
    const finish = (outcome: CrowdOutcome): void => {
      if (settled) return;
      settled = true;
      this.outstanding--;
      done(outcome);
    };
    const req = request(
      {
        agent: this.agent,
        host: '127.0.0.1',
        port: this.options.port,
        method: 'POST',
        path: '/requests',
        headers: this.headers,
        timeout: this.options.timeoutMs,
      },
      (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => finish(classifyCrowd(res.statusCode ?? 0, body)));
        res.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'error', detail: error.code ?? error.message }));
      },
    );
    req.on('timeout', () => {
      finish({ kind: 'timeout', detail: 'no answer in time' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'error', detail: error.code ?? error.message }));
    req.end(BODY);
  }

  /** Requests sent and not yet ended (every one ends: by its answer, an error or its timeout). */
  get inFlight(): number {
    return this.outstanding;
  }

  /** Closes the idle connections. */
  close(): void {
    if (this.agent) this.agent.destroy();
  }
}
