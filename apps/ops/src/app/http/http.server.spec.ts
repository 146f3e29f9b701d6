import { ServiceCatalog } from '@gateway/discovery';
import { ScatterGatherAggregator, type ChainReply } from '@gateway/messaging';
import type { FastifyInstance } from 'fastify';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import pino from 'pino';
import { Admission, FixedLimit } from '../admission/admission';
import { Gateway } from '../gateway';
import { LINGER_BYTES, LINGER_MS } from './door';
import { OpsMetrics } from '../ops.metrics';
import { FakeClock, InMemoryPublisher } from '@gateway/messaging/testing';
import { ApiTokens } from './api-tokens';
import { createHttpServer } from './http.server';
import type { HttpLimits } from './server-limits';

const MAX_BODY_BYTES = 1024;

interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

/** One request over a real socket (the door is in front of Fastify only on a listening server). */
function send(port: number, agent: Agent, body: string | undefined, method = 'POST', path = '/requests'): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes every chunk to one raw connection without reading in between (as Python's http.client
 * sends a body), then gives all it read until the server closed it or went quiet for 300 ms.
 */
function exchange(port: number, chunks: Buffer[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(text);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      clearTimeout(quiet);
      quiet = setTimeout(done, 300);
    });
    socket.on('error', done);
    socket.on('close', done);
    for (const chunk of chunks) socket.write(chunk);
  });
}

function ok(uid: string, service: string, result: unknown = { from: service }): ChainReply {
  return { uid, service, ok: true, result };
}

function setup(
  options: {
    services?: string[];
    problems?: string[];
    limit?: number;
    tokens?: ApiTokens;
    adminListener?: boolean;
    limits?: Partial<HttpLimits>;
  } = {},
) {
  const clock = new FakeClock();
  const catalog = new ServiceCatalog();
  for (const name of options.services ?? ['chain1', 'chain2'])
    catalog.upsert({ name, kind: 'chain', topic: `${name}.req`, instanceId: 'a' });
  const aggregator = new ScatterGatherAggregator({ clock });
  const publisher = new InMemoryPublisher();
  const metrics = new OpsMetrics();
  const logger = pino({ level: 'silent' });
  const gateway = new Gateway({
    catalog,
    aggregator,
    publisher,
    logger,
    replyTopic: 'ops.resp',
    defaultTimeoutMs: 2000,
    admission: new Admission({ limit: new FixedLimit(options.limit ?? 10) }),
    onAnswer: (answer, source) => metrics.requests.inc({ source, outcome: answer.status === 'error' ? answer.error.code : answer.status }),
  });
  const problems = options.problems ?? [];
  const shed = { count: 0 };
  const unauthorized: string[] = [];
  const app = createHttpServer({
    gateway,
    catalog,
    metrics,
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    readiness: () => problems,
    onShed: () => shed.count++,
    tokens: options.tokens,
    onUnauthorized: (why) => unauthorized.push(why),
    adminListener: options.adminListener,
    limits: options.limits,
  });
  return { clock, catalog, aggregator, publisher, gateway, app, problems, shed, unauthorized };
}

function postJson(app: FastifyInstance, body: unknown) {
  return app.inject({ method: 'POST', url: '/requests', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

describe('HTTP API', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  function start(options: Parameters<typeof setup>[0] = {}) {
    const parts = setup(options);
    app = parts.app;
    return parts;
  }

  describe('POST /requests', () => {
    it('answers 200 with the complete aggregate once every chain replied', async () => {
      const { app, publisher, aggregator, clock } = start();
      const response = postJson(app, { uid: 'order-42', payload: { sku: 'A1' } });
      await publisher.waitForMessages(2);
      clock.advance(3);
      aggregator.offer(ok('order-42', 'chain1'));
      aggregator.offer({ uid: 'order-42', service: 'chain2', ok: false, error: { code: 'OUT_OF_STOCK', message: 'none' } });
      const res = await response;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        uid: 'order-42',
        status: 'complete',
        results: {
          chain1: { status: 'ok', result: { from: 'chain1' }, latencyMs: 3 },
          chain2: { status: 'error', error: { code: 'OUT_OF_STOCK', message: 'none' }, latencyMs: 3 },
        },
        missing: [],
        elapsedMs: 3,
      });
    });

    it('makes a uid when the body has none', async () => {
      const { app, publisher, aggregator } = start({ services: ['chain1'] });
      const response = postJson(app, { payload: null });
      const [message] = await publisher.waitForMessages(1);
      const uid = String(message?.key);
      aggregator.offer(ok(uid, 'chain1'));
      const res = await response;
      expect(res.statusCode).toBe(200);
      expect(res.json().uid).toBe(uid);
    });

    it('answers 200 with a partial aggregate when some chains answered by the deadline', async () => {
      const { app, publisher, aggregator, clock } = start();
      const response = postJson(app, { uid: 'u1', payload: 1, timeoutMs: 500 });
      await publisher.waitForMessages(2);
      aggregator.offer(ok('u1', 'chain1'));
      clock.advance(500);
      const res = await response;
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'partial', missing: ['chain2'], results: { chain2: { status: 'timeout' } } });
    });

    it('answers 504 with the aggregate when no chain answered in time', async () => {
      const { app, publisher, clock } = start();
      const response = postJson(app, { uid: 'u1', payload: 1, timeoutMs: 500 });
      await publisher.waitForMessages(2);
      clock.advance(500);
      const res = await response;
      expect(res.statusCode).toBe(504);
      expect(res.json()).toMatchObject({ uid: 'u1', status: 'partial', missing: ['chain1', 'chain2'] });
    });

    it('answers 503 NO_SERVICES when no chain is registered', async () => {
      const { app } = start({ services: [] });
      const res = await postJson(app, { uid: 'u1', payload: 1 });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'NO_SERVICES', message: expect.any(String) } });
    });

    it('answers 503 SHUTTING_DOWN once the gateway stops accepting', async () => {
      const { app, gateway } = start();
      gateway.stopAccepting();
      const res = await postJson(app, { uid: 'u1', payload: 1 });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });
    });

    it('answers 503 KAFKA_UNAVAILABLE when the broadcast fails', async () => {
      const { app, publisher, gateway } = start();
      publisher.failWith(new Error('broker down'));
      const res = await postJson(app, { uid: 'u1', payload: 1 });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'KAFKA_UNAVAILABLE' } });
      expect(gateway.inFlight).toBe(0);
    });

    it('answers 503 OVERLOADED with Retry-After at once beyond the admission limit, before reading the body', async () => {
      const { app, publisher, aggregator, shed } = start({ limit: 1 });
      const first = postJson(app, { uid: 'held', payload: 1 });
      await publisher.waitForMessages(2);
      // The body breaks §3, but a refused request is not read: the refusal is OVERLOADED, not 400.
      const refused = await app.inject({
        method: 'POST',
        url: '/requests',
        headers: { 'content-type': 'application/json' },
        payload: '{"no',
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ error: { code: 'OVERLOADED' } });
      expect(shed.count).toBe(1);
      aggregator.offer(ok('held', 'chain1'));
      aggregator.offer(ok('held', 'chain2'));
      expect((await first).statusCode).toBe(200);
      const next = postJson(app, { uid: 'next', payload: 1 });
      await publisher.waitForMessages(4);
      aggregator.offer(ok('next', 'chain1'));
      aggregator.offer(ok('next', 'chain2'));
      expect((await next).statusCode).toBe(200);
    });

    it('refuses at the door of a listening server, before Fastify, and keeps the connection for the next request', async () => {
      const { app, publisher, aggregator, shed } = start({ limit: 1 });
      const seenByFastify: string[] = [];
      app.addHook('onRequest', (request, _reply, done) => {
        seenByFastify.push(`${request.method} ${request.url}`);
        done();
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const held = send(port, agent, JSON.stringify({ uid: 'held', payload: 1 }));
      await publisher.waitForMessages(2);
      // Refused at the door: not JSON, yet OVERLOADED (the body is never read), on the one socket.
      const agentB = new Agent({ keepAlive: true, maxSockets: 1 });
      const refused = await send(port, agentB, '{"no');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(refused.headers['keep-alive']).toBe('timeout=72');
      expect(JSON.parse(refused.body)).toEqual({
        error: { code: 'OVERLOADED', message: 'ops runs 1 requests at once, its limit now; try again shortly' },
      });
      expect(shed.count).toBe(1);
      expect(seenByFastify).toEqual(['POST /requests']);
      aggregator.offer(ok('held', 'chain1'));
      aggregator.offer(ok('held', 'chain2'));
      expect((await held).status).toBe(200);
      // The permit came back and the refused client's connection still serves.
      const next = send(port, agentB, JSON.stringify({ uid: 'next', payload: 1 }));
      await publisher.waitForMessages(4);
      aggregator.offer(ok('next', 'chain1'));
      aggregator.offer(ok('next', 'chain2'));
      const answered = await next;
      expect(answered.status).toBe(200);
      expect(answered.reusedSocket).toBe(true);
      // Other routes and methods pass the door untouched, even at the limit.
      const heldAgain = send(port, agent, JSON.stringify({ uid: 'held-2', payload: 1 }));
      await publisher.waitForMessages(6);
      expect((await send(port, agentB, undefined, 'GET', '/requests')).status).toBe(405);
      expect((await send(port, agentB, undefined, 'GET', '/healthz')).status).toBe(200);
      aggregator.offer(ok('held-2', 'chain1'));
      aggregator.offer(ok('held-2', 'chain2'));
      expect((await heldAgain).status).toBe(200);
      agent.destroy();
      agentB.destroy();
    });

    it('gives the permit of a refused body (400, 413) back', async () => {
      const { app, publisher, aggregator } = start({ limit: 1 });
      expect((await postJson(app, { payload: 1, timeoutMs: -5 })).statusCode).toBe(400);
      expect((await postJson(app, { payload: 'x'.repeat(MAX_BODY_BYTES) })).statusCode).toBe(413);
      const next = postJson(app, { uid: 'after', payload: 1 });
      await publisher.waitForMessages(2);
      aggregator.offer(ok('after', 'chain1'));
      aggregator.offer(ok('after', 'chain2'));
      expect((await next).statusCode).toBe(200);
    });

    it('answers 400 with {error:{code,message}} for a body that is not JSON', async () => {
      const { app, publisher } = start();
      const res = await app.inject({
        method: 'POST',
        url: '/requests',
        headers: { 'content-type': 'application/json' },
        payload: '{"payload":',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.stringContaining('JSON') } });
      expect(publisher.calls).toBe(0);
    });

    it('answers 400 for an empty JSON body', async () => {
      const { app } = start();
      const res = await app.inject({ method: 'POST', url: '/requests', headers: { 'content-type': 'application/json' }, payload: '' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.any(String) } });
    });

    it('answers 415 for a text/plain body', async () => {
      const { app, publisher } = start();
      const res = await app.inject({
        method: 'POST',
        url: '/requests',
        headers: { 'content-type': 'text/plain' },
        payload: '{"payload":1}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      expect(publisher.calls).toBe(0);
    });

    it('answers 415 for a body of an unknown content-type', async () => {
      const { app } = start();
      const res = await app.inject({
        method: 'POST',
        url: '/requests',
        headers: { 'content-type': 'application/xml' },
        payload: '<payload/>',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
    });

    it('answers 413 to a client that writes its whole body before it reads, and the connection serves on', async () => {
      const { app, publisher } = start();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const body = Buffer.alloc(4 * 1024 * 1024, 'x'); // 4,096 times the limit
      const answers = await exchange(port, [
        Buffer.concat([
          Buffer.from(`POST /requests HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`),
          body,
        ]),
        Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'),
      ]);
      expect(answers).toMatch(/^HTTP\/1\.1 413 [^]*"code":"BODY_TOO_LARGE"[^]*HTTP\/1\.1 200 [^]*\{"status":"ok"\}$/);
      expect(publisher.calls).toBe(0);
    });

    it('cuts the connection of a body over the limit that goes on past what it discards', async () => {
      const { app } = start();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const length = LINGER_BYTES * 4;
      const answers = await exchange(port, [
        Buffer.from(`POST /requests HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`),
        Buffer.alloc(LINGER_BYTES + 1024 * 1024, 'x'),
      ]);
      expect(answers).toMatch(/^HTTP\/1\.1 413 /);
    });

    it('answers 413 for a body over maxBodyBytes', async () => {
      const { app, publisher } = start();
      const res = await postJson(app, { uid: 'u1', payload: 'x'.repeat(MAX_BODY_BYTES) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
      expect(publisher.calls).toBe(0);
    });

    it.each([
      ['a bad uid', { uid: 'a b', payload: 1 }, 'uid'],
      ['a uid of 129 characters', { uid: 'x'.repeat(129), payload: 1 }, 'uid'],
      ['timeoutMs 0', { payload: 1, timeoutMs: 0 }, 'timeoutMs'],
      ['timeoutMs 600001', { payload: 1, timeoutMs: 600_001 }, 'timeoutMs'],
      ['an unknown field', { payload: 1, colour: 'red' }, 'colour'],
      ['no payload', { uid: 'u1' }, 'payload'],
      ['an empty services list', { payload: 1, services: [] }, 'services'],
      ['completion 0', { payload: 1, completion: 0 }, 'completion'],
      ['an array body', [{ payload: 1 }], 'object'],
    ])('answers 400 INVALID_REQUEST naming the field for %s', async (_label, body, field) => {
      const { app, publisher } = start();
      const res = await postJson(app, body);
      expect(res.statusCode).toBe(400);
      const json = res.json();
      expect(json).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.any(String) } });
      expect(json.error.message).toContain(field);
      expect(publisher.calls).toBe(0);
    });
  });

  describe('bearer tokens (OPS_API_TOKENS_FILE) and security headers', () => {
    const TOKEN = 'team-a-0123456789abcdef';
    const tokens = ApiTokens.parse(`${TOKEN}\nold-team-0123456789 expires=2020-01-01T00:00:00Z\n`);
    const withToken = (app: FastifyInstance, authorization?: string) =>
      app.inject({
        method: 'POST',
        url: '/requests',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        payload: JSON.stringify({ payload: { sku: 'A1' }, timeoutMs: 50 }),
      });

    it('refuses POST /requests without a token, with a wrong one and with an expired one: 401 with WWW-Authenticate, no chain asked', async () => {
      const { app, publisher, unauthorized } = start({ tokens });
      const missing = await withToken(app);
      expect(missing.statusCode).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="ops"');
      expect(missing.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('bearer token') } });
      const wrong = await withToken(app, 'Bearer not-a-token-of-ops-at-all');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="ops", error="invalid_token"/);
      const expired = await withToken(app, 'Bearer old-team-0123456789');
      expect(expired.headers['www-authenticate']).toMatch(/error_description="the bearer token has expired"/);
      expect(JSON.stringify([missing.body, wrong.body, expired.body])).not.toContain('not-a-token-of-ops-at-all');
      expect(unauthorized).toEqual(['missing', 'invalid', 'expired']);
      expect(publisher.calls).toBe(0);
    });

    it(
      'refuses an injected request (no socket of its own) without lingering on it',
      async () => {
        const { app } = start({ tokens });
        expect((await withToken(app)).statusCode).toBe(401);
        // A lingering drain would cut the (fake) socket once LINGER_MS has passed, and throw.
        await new Promise((resolve) => setTimeout(resolve, LINGER_MS + 200));
      },
      LINGER_MS + 5000,
    );

    it('lets a request with a valid token through to the gateway', async () => {
      const { app, publisher, clock } = start({ tokens });
      const answer = withToken(app, `Bearer ${TOKEN}`);
      await publisher.waitForMessages(2); // broadcast to both chains
      clock.advance(50); // no reply: the answer at the deadline
      expect((await answer).statusCode).toBe(504);
    });

    it('answers 401 at the door to a client that writes its whole body first, and the connection serves on', async () => {
      const { app, publisher } = start({ tokens });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const body = Buffer.alloc(2 * 1024 * 1024, 'x');
      const answers = await exchange(port, [
        Buffer.concat([
          Buffer.from(`POST /requests HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`),
          body,
        ]),
        Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'),
      ]);
      expect(answers).toMatch(/^HTTP\/1\.1 401 [^]*www-authenticate: Bearer realm="ops"[^]*"code":"UNAUTHORIZED"[^]*HTTP\/1\.1 200 /i);
      expect(publisher.calls).toBe(0);
    });

    it('sends headers fit for a JSON API on every answer, and a data-only content security policy outside /docs', async () => {
      const { app } = start();
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      expect(health.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      const docs = await app.inject({ method: 'GET', url: '/docs/json' });
      expect(docs.headers['x-content-type-options']).toBe('nosniff');
      expect(docs.headers['content-security-policy']).toBeUndefined();
    });
  });

  describe('listeners and limits', () => {
    const listen = async (a: FastifyInstance): Promise<number> => {
      await a.listen({ port: 0, host: '127.0.0.1' });
      return (a.server.address() as AddressInfo).port;
    };

    it('serves the operator endpoints on their own listener only, when asked, and the API on the public one only', async () => {
      const { app } = start({ adminListener: true });
      const port = await listen(app);
      const admin = app.adminServer;
      await new Promise<void>((resolve) => admin?.listen(0, '127.0.0.1', () => resolve()));
      const adminPort = (admin?.address() as AddressInfo).port;
      const agent = new Agent({ keepAlive: false });
      try {
        expect((await send(port, agent, undefined, 'GET', '/metrics')).status).toBe(404);
        expect((await send(port, agent, undefined, 'GET', '/services')).body).toContain('NOT_FOUND');
        expect((await send(port, agent, undefined, 'GET', '/healthz')).status).toBe(200);
        expect((await send(adminPort, agent, undefined, 'GET', '/metrics')).status).toBe(200);
        expect((await send(adminPort, agent, undefined, 'GET', '/docs/json')).status).toBe(200);
        expect((await send(adminPort, agent, undefined, 'GET', '/readyz')).status).toBe(200);
        expect((await send(adminPort, agent, '{"payload":1}', 'POST', '/requests')).status).toBe(404);
      } finally {
        admin?.closeAllConnections();
        await new Promise((resolve) => admin?.close(resolve));
      }
    });

    it('answers 408 to a client whose headers do not arrive in time (slowloris), and 431 to headers over the limit', async () => {
      const { app } = start({ limits: { headersTimeoutMs: 300, maxHeaderBytes: 2048 } });
      const port = await listen(app);
      const started = Date.now();
      const slow = await exchange(port, [Buffer.from('POST /requests HTTP/1.1\r\nhost: x\r\n')]);
      expect(slow).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).toBeLessThan(2500);
      const huge = await exchange(port, [Buffer.from(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'y'.repeat(4096)}\r\n\r\n`)]);
      expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    });

    it('refuses a connection over the per-client limit with 429 TOO_MANY_CONNECTIONS, and takes one again once another closed', async () => {
      const { app } = start({ limits: { maxConnectionsPerClient: 2 } });
      const port = await listen(app);
      const open = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
      await Promise.all(open.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await exchange(port, [Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n')]);
      expect(third).toMatch(/^HTTP\/1\.1 429 [^]*"code":"TOO_MANY_CONNECTIONS"/);
      open[0]?.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await exchange(port, [Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n')]);
      expect(again).toMatch(/^HTTP\/1\.1 200 /);
      open[1]?.destroy();
    });
  });

  describe('other routes', () => {
    it('GET /services lists the catalog with instances', async () => {
      const { app, catalog } = start({ services: ['chain1'] });
      catalog.upsert({ name: 'chain1', kind: 'chain', topic: 'chain1.req', instanceId: 'b' });
      catalog.upsert({ name: 'ops', kind: 'gateway', topic: 'ops.req', instanceId: 'g' });
      const res = await app.inject({ method: 'GET', url: '/services' });
      expect(res.statusCode).toBe(200);
      const { services } = res.json() as {
        services: Array<{ name: string; kind: string; topic: string; instances: Array<{ instanceId: string }> }>;
      };
      expect(services.map((s) => [s.name, s.kind, s.topic])).toEqual([
        ['chain1', 'chain', 'chain1.req'],
        ['ops', 'gateway', 'ops.req'],
      ]);
      expect(services[0]?.instances.map((i) => i.instanceId)).toEqual(['a', 'b']);
    });

    it('GET /healthz answers 200', async () => {
      const { app } = start({ problems: ['etcd not connected'] });
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
    });

    it('GET /readyz answers 503 with the problems while there are some', async () => {
      const { app } = start({ problems: ['etcd not connected', 'catalog not loaded'] });
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ ready: false, problems: ['etcd not connected', 'catalog not loaded'] });
    });

    it('GET /readyz answers 200 when there are none', async () => {
      const { app } = start();
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ready: true, problems: [] });
    });

    it('GET /metrics answers Prometheus text with the request counters', async () => {
      const { app } = start({ services: [] });
      await postJson(app, { uid: 'u1', payload: 1 });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toContain('ops_requests_total');
      expect(res.body).toContain('ops_requests_total{source="http",outcome="NO_SERVICES"} 1');
      expect(res.body).toContain('ops_requests_in_flight 0');
    });

    it('answers 404 with an error body for an unknown route', async () => {
      const { app } = start();
      const res = await app.inject({ method: 'GET', url: '/nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('/nope') } });
    });

    it.each([
      ['GET', '/requests', 'POST'],
      ['PUT', '/requests?x=1', 'POST'],
      ['POST', '/services', 'GET, HEAD'],
      ['DELETE', '/metrics', 'GET, HEAD'],
      ['PATCH', '/healthz', 'GET, HEAD'],
    ])('answers %s %s with 405 and Allow: %s', async (method, url, allow) => {
      const { app } = start();
      const res = await app.inject({ method: method as 'GET', url });
      expect(res.statusCode).toBe(405);
      expect(res.headers['allow']).toBe(allow);
      expect(res.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining(allow) } });
    });

    it('answers 404 UNKNOWN_SERVICE for a named service that is not registered, and asks no chain', async () => {
      const { app, publisher } = start({ services: ['chain1'] });
      const res = await postJson(app, { uid: 'u1', payload: 1, services: ['chain1', '0'] });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        uid: 'u1',
        status: 'error',
        error: { code: 'UNKNOWN_SERVICE', message: expect.stringContaining('0') },
      });
      expect(publisher.calls).toBe(0);
    });
  });
});
