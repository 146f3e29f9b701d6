import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CrowdOutcome } from './crowd-outcome';
import { crowdConnectionCap, CrowdTarget, FD_HEADROOM, type CrowdConnections } from './crowd-target';

/** A stand-in for ops: gives the answers in order, one per request, and notes each request and its client port. */
function server(
  answers: Array<(res: import('node:http').ServerResponse) => void>,
): Promise<{ server: Server; port: number; seen: IncomingMessage[]; ports: Array<number | undefined> }> {
  const seen: IncomingMessage[] = [];
  const ports: Array<number | undefined> = [];
  const s = createServer((req, res) => {
    seen.push(req);
    ports.push(req.socket.remotePort);
    req.resume();
    req.on('end', () => (answers.shift() ?? ((r) => r.end()))(res));
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve({ server: s, port: (s.address() as AddressInfo).port, seen, ports })),
  );
}

const send = (target: CrowdTarget): Promise<CrowdOutcome> => new Promise((resolve) => target.send(resolve));
const json = (status: number, body: unknown) => (res: import('node:http').ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('CrowdTarget', () => {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function make(connections: CrowdConnections, answers: Parameters<typeof server>[0], timeoutMs = 2000, maxConnections = Infinity) {
    const s = await server(answers);
    open.push(s.server);
    return { ...s, target: new CrowdTarget({ port: s.port, connections, timeoutMs, maxConnections }) };
  }

  it('as-needed: keep-alive, one connection reused for sequential requests; aggregates, sheds and errors classified', async () => {
    const { target, seen, ports } = await make('as-needed', [
      json(200, { uid: 'a', status: 'complete', results: {}, missing: [], elapsedMs: 4 }),
      json(503, { error: { code: 'OVERLOADED', message: 'busy' } }),
      json(500, { error: { code: 'INTERNAL' } }),
    ]);
    expect(await send(target)).toEqual({ kind: 'complete', elapsedMs: 4 });
    expect(await send(target)).toEqual({ kind: 'shed', detail: 'http 503 OVERLOADED' });
    expect(await send(target)).toEqual({ kind: 'error', detail: 'http 500 INTERNAL' });
    expect(seen.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive']);
    expect(new Set(ports).size).toBe(1);
    expect(target.inFlight).toBe(0);
    target.close();
  });

  it('per-request: Connection: close, a new connection each time', async () => {
    const ok = json(200, { uid: 'a', status: 'complete', elapsedMs: 1 });
    const { target, seen, ports } = await make('per-request', [ok, ok]);
    await send(target);
    await send(target);
    expect(seen.map((r) => r.headers.connection)).toEqual(['close', 'close']);
    expect(new Set(ports).size).toBe(2);
    target.close();
  });

  it('gives up after the timeout, and reports a refused connection by its code', async () => {
    const { target } = await make('as-needed', [() => undefined], 100);
    const pending = send(target);
    expect(target.inFlight).toBe(1);
    expect(await pending).toEqual({ kind: 'timeout', detail: 'no answer in time' });
    expect(target.inFlight).toBe(0);
    target.close();
    const gone = await make('per-request', []);
    await new Promise((resolve) => gone.server.close(resolve));
    open.splice(open.indexOf(gone.server), 1);
    expect(await send(gone.target)).toEqual({ kind: 'error', detail: 'ECONNREFUSED' });
  });

  it('keeps to its connection limit: beyond it requests wait for a connection', async () => {
    const hold: Array<() => void> = [];
    const ok = json(200, { uid: 'a', status: 'complete', elapsedMs: 1 });
    const later = (res: import('node:http').ServerResponse) => hold.push(() => ok(res));
    const { target, seen } = await make('per-request', [later, later, later], 2000, 2);
    const answers = [send(target), send(target), send(target)];
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(2);
    for (const release of hold.splice(0)) release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(3);
    for (const release of hold.splice(0)) release();
    expect((await Promise.all(answers)).map((o) => o.kind)).toEqual(['complete', 'complete', 'complete']);
    expect(seen.map((r) => r.headers.connection)).toEqual(['close', 'close', 'close']);
    target.close();
  });
});

describe('crowdConnectionCap', () => {
  it('leaves the benchmark its headroom of file descriptors, at least 64 connections, none without a limit', () => {
    expect(crowdConnectionCap(20_000)).toBe(20_000 - FD_HEADROOM);
    expect(crowdConnectionCap(256)).toBe(64);
    expect(crowdConnectionCap(null)).toBe(Infinity);
  });
});
