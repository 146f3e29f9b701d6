import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { bareHttpServer } from '../http/http.server.fixture';
import type { OpsHttp } from '../http/http.server';
import { consoleAssetsDir, CONSOLE_CSP } from './console.routes';
import type { ConsoleHello, ConsoleRequest } from './console.events';
import { OpsConsole } from './ops-console';

const assetsDir = consoleAssetsDir() as string;

function newConsole(): OpsConsole {
  return new OpsConsole({
    instanceId: 'ops-test',
    ringSize: 10,
    replyPartition: () => 2,
    gauge: () => ({ inFlight: 1, limit: 64 }),
    readTopology: async () => ({
      at: 1,
      services: [
        {
          name: 'chain1',
          kind: 'chain',
          topic: 'chain1.req',
          instances: [{ instanceId: 'c1', draining: false, leaseTtlS: 9, partitions: [0] }],
        },
      ],
    }),
    logger: pino({ level: 'silent' }),
  });
}

/** Reads Server-Sent Events from `res` until `until` says it has enough. */
function readEvents(res: IncomingMessage, until: (events: Array<{ event: string; data: unknown }>) => boolean) {
  return new Promise<Array<{ event: string; data: unknown }>>((resolve, reject) => {
    const events: Array<{ event: string; data: unknown }> = [];
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (until(events)) {
        res.destroy();
        resolve(events);
      }
    });
    res.on('error', reject);
  });
}

describe('console routes', () => {
  let app: OpsHttp;
  let ops: OpsConsole;
  let base: string;

  beforeEach(async () => {
    ops = newConsole();
    app = bareHttpServer({ console: { ops, assetsDir } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    ops.close();
    await app.close();
  });

  it('serves the page and its files under a policy that loads nothing from elsewhere and runs nothing inline', async () => {
    for (const [path, type] of [
      ['/console', 'text/html'],
      ['/console/console.js', 'text/javascript'],
      ['/console/console.css', 'text/css'],
    ] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const page = await (await fetch(`${base}/console`)).text();
    expect(page).toContain('/console/console.js');
    expect(page).not.toMatch(/<script>[^<]/); // no inline script
    expect(page).not.toMatch(/https?:\/\//); // nothing from outside
  });

  it('streams hello with the topology, the lists and the traffic, then the requests answered after it', async () => {
    const res = await new Promise<IncomingMessage>((resolve) => get(`${base}/console/events`, resolve));
    expect(res.headers['content-type']).toContain('text/event-stream');
    const reading = readEvents(res, (events) => events.some((e) => e.event === 'requests'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    ops.recorder.record({
      uid: 'r-1',
      source: 'http',
      traceId: undefined,
      startedAt: Date.now(),
      answer: { uid: 'r-1', status: 'error', error: { code: 'NO_SERVICES', message: '<script>x</script>' } },
    });
    const events = await reading;
    const hello = events[0]?.data as ConsoleHello;
    expect(events[0]?.event).toBe('hello');
    expect(hello.instance).toMatchObject({ instanceId: 'ops-test', replyPartition: 2, ringSize: 10 });
    expect(hello.topology.services.map((s) => s.name)).toEqual(['chain1']);
    const sent = events.find((e) => e.event === 'requests')?.data as ConsoleRequest[];
    expect(sent.map((r) => [r.uid, r.status, r.errorMessage])).toEqual([['r-1', 'error', '<script>x</script>']]);
    // The stream's end is noticed: nothing is gathered for a console that left.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ops.feed.connected).toBe(0);
  });

  it('searches the ring by uid or trace id', async () => {
    ops.recorder.record({
      uid: 'find-me-1',
      source: 'kafka',
      traceId: 'trace-abc',
      startedAt: 1,
      answer: { uid: 'find-me-1', status: 'error', error: { code: 'OVERLOADED', message: 'full' } },
    });
    const byTrace = (await (await fetch(`${base}/console/requests?q=trace-abc`)).json()) as { requests: ConsoleRequest[] };
    expect(byTrace.requests.map((r) => r.uid)).toEqual(['find-me-1']);
    const none = (await (await fetch(`${base}/console/requests?q=nothing-here`)).json()) as { requests: ConsoleRequest[] };
    expect(none.requests).toEqual([]);
    expect((await fetch(`${base}/console/requests?q=${'x'.repeat(201)}`)).status).toBe(400);
  });
});

describe('console on the operator listener', () => {
  it('is served there and not on the public listener', async () => {
    const ops = newConsole();
    const app = bareHttpServer({ console: { ops, assetsDir }, adminListener: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const admin = app.adminServer;
    if (!admin) throw new Error('no admin listener');
    await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
    try {
      const publicPort = (app.server.address() as AddressInfo).port;
      const adminPort = (admin.address() as AddressInfo).port;
      expect((await fetch(`http://127.0.0.1:${publicPort}/console`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${adminPort}/console`)).status).toBe(200);
    } finally {
      ops.close();
      admin.closeAllConnections();
      await new Promise((resolve) => admin.close(resolve));
      await app.close();
    }
  });
});
