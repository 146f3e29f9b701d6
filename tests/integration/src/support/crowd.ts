import { Agent, request } from 'node:http';
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
 * HTTP clients as a crowd of independent users opens them: keep-alive connections reused when idle
 * and a new one opened whenever none is (no upper bound), like vegeta's default.
 */
export class Crowd {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });
  private next = 0;

  constructor(
    private readonly url: string,
    private readonly tag: string,
    private readonly ledger?: Ledger,
  ) {}

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

  close(): void {
    this.agent.destroy();
  }

  private send(result: CrowdResult, timeoutMs: number): Promise<void> {
    const uid = `${this.tag}-${this.next++}`;
    result.sent++;
    this.ledger?.sent(uid, timeoutMs);
    const body = BODY(uid, timeoutMs);
    const started = Date.now();
    return new Promise((resolve) => {
      const req = request(
        `${this.url}/requests`,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs + 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpsAnswer & { error?: { code: string } };
            const status = res.statusCode ?? 0;
            // A request shed at the door carries no uid (its body was never read): refused, not answered wrongly.
            if (answer.uid === undefined) this.ledger?.refused(uid);
            this.ledger?.answered(uid, status, answer);
            const outcome = answer.status === 'error' || answer.uid === undefined ? (answer.error?.code ?? 'error') : answer.status;
            result.answers.push({ status, outcome, ms: Date.now() - started });
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        result.failures[code] = (result.failures[code] ?? 0) + 1;
        resolve();
      });
      req.end(body);
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
