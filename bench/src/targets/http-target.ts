import { Agent, request } from 'node:http';
import type { Outcome, Target } from '../load/target';
import { classifyHttp, PAYLOAD } from './classify';

export interface HttpTargetOptions {
  port: number;
  /** Most sockets open at once; beyond, requests queue in the agent (and the queueing is in the latency). */
  maxSockets: number;
  timeoutMs: number;
}

const BODY = Buffer.from(JSON.stringify({ payload: PAYLOAD }));

/** `POST /requests` on ops at 127.0.0.1 over keep-alive HTTP/1.1 connections. */
export class HttpTarget implements Target {
  readonly name = 'http';
  private readonly agent: Agent;
  private generation = 0;
  private unmatched = 0;

  constructor(private readonly options: HttpTargetOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
  }

  send(_id: string, done: (outcome: Outcome) => void): void {
    const generation = this.generation;
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      if (generation !== this.generation) this.unmatched++;
      else done(outcome);
    };
    const req = request(
      {
        agent: this.agent,
        host: '127.0.0.1',
        port: this.options.port,
        method: 'POST',
        path: '/requests',
        headers: { 'content-type': 'application/json', 'content-length': BODY.length },
        timeout: this.options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish(classifyHttp(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'error', detail: error.code ?? error.message }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'error', detail: error.code ?? error.message }));
    req.end(BODY);
  }

  reset(): void {
    this.generation++;
  }

  takeUnmatched(): number {
    const n = this.unmatched;
    this.unmatched = 0;
    return n;
  }

  close(): void {
    this.agent.destroy();
  }
}
