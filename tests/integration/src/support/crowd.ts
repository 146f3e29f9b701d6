import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { OpsAnswer } from '@gateway/messaging';
import type { Ledger } from './ledger';

/** One answer of the crowd: its HTTP status, the answer's code or status, and its latency. */
export interface CrowdAnswer {
  status: number;
  outcome: string;
  ms: number;
}

/** What a crowd (or closed loop) got back. */
export interface CrowdResult {
  sent: number;
  answers: CrowdAnswer[];
  /** Transport failures (reset, refused, timeout) by code: requests that got no answer. */
  failures: Record<string, number>;
  durationMs: number;
}

const BODY = (uid: string, timeoutMs: number) => JSON.stringify({ uid, payload: { sku: 'SKU-1', qty: 1, zip: '10115' }, timeoutMs });

/**
 * Most connections the crowd keeps open: twice ops' listen backlog (511) and sixteen times the
 * capacity probe's 64 clients, so an accept queue that falls behind still shows (as waits and late
 * answers), while the generator, which shares this process and the machine's two cores with the
 * gateway, cannot spiral on its own: unbounded, once its event loop fell behind it opened a
 * connection for every request it had not read the answer of, ran out of file descriptors and
 * measured its own collapse (its loop seconds late, ops' at 30 ms).
 */
const MAX_CONNECTIONS = 1024;

/**
 * HTTP clients as a crowd of independent users opens them: keep-alive connections reused when idle
 * and a new one opened whenever none is, up to {@link MAX_CONNECTIONS} (requests beyond wait for
 * one, their wait in their latency). undici, whose client costs this shared process less per
 * request than node:http's.
 */
export class Crowd {
  private readonly pool: Pool;
  private next = 0;

  constructor(
    url: string,
    private readonly tag: string,
    private readonly ledger?: Ledger,
  ) {
    this.pool = new Pool(url, { connections: MAX_CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** `concurrency` clients each sending its next request when the last is answered, for `ms`. */
  async closedLoop(concurrency: number, ms: number, timeoutMs: number): Promise<CrowdResult> {
    const result: CrowdResult = { sent: 0, answers: [], failures: {}, durationMs: ms };
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) await this.send(result, timeoutMs);
      }),
    );
    return result;
  }

  /** Open loop: `rate` requests a second for `ms`, each sent on time whatever the answers do. */
  async openLoop(rate: number, ms: number, timeoutMs: number): Promise<CrowdResult> {
    const result: CrowdResult = { sent: 0, answers: [], failures: {}, durationMs: ms };
    const started = Date.now();
    const pending: Array<Promise<void>> = [];
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const elapsed = Math.min(ms, Date.now() - started);
        const due = Math.floor((elapsed * rate) / 1000);
        while (result.sent < due) pending.push(this.send(result, timeoutMs));
        if (elapsed >= ms) {
          clearInterval(tick);
          done();
        }
      }, 2);
    });
    await Promise.all(pending);
    return result;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  private send(result: CrowdResult, timeoutMs: number): Promise<void> {
    const uid = `${this.tag}-${this.next++}`;
    result.sent++;
    this.ledger?.sent(uid, timeoutMs);
    const body = BODY(uid, timeoutMs);
    const started = Date.now();
    return this.pool
      .request({
        path: '/requests',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: timeoutMs + 5000,
        bodyTimeout: timeoutMs + 5000,
      })
      .then(async (res) => {
        const answer = (await res.body.json()) as OpsAnswer & { error?: { code: string } };
        const status = res.statusCode;
        // A request shed at the door carries no uid (its body was never read): refused, not answered wrongly.
        if (answer.uid === undefined) this.ledger?.refused(uid);
        this.ledger?.answered(uid, status, answer);
        const outcome = answer.status === 'error' || answer.uid === undefined ? (answer.error?.code ?? 'error') : answer.status;
        result.answers.push({ status, outcome, ms: Date.now() - started });
      })
      .catch((error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        result.failures[code] = (result.failures[code] ?? 0) + 1;
      });
  }
}

/** Answers per outcome. */
export function outcomes(result: CrowdResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of result.answers) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
  return counts;
}

/** The nearest-rank percentile `q` of the latencies of the answers with outcome `outcome`. */
export function latency(result: CrowdResult, outcome: string, q: number): number | undefined {
  const ms = result.answers
    .filter((a) => a.outcome === outcome)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  return ms.length === 0 ? undefined : ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
}

/** The kernel's count of connections dropped because a listen queue was full (Linux; undefined elsewhere). */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((l) => l.startsWith('TcpExt:'))?.split(' ');
    const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]?.split(' ');
    const at = names?.indexOf('ListenOverflows') ?? -1;
    return at > 0 && values ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}
