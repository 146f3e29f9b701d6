/**
 * A developer preview of the ops console: serves apps/ops/src/assets/console at /console and feeds
 * it FAKE data that follows apps/ops/src/app/console/console.events.ts — 3 chains × 2 instances and
 * ops × 2, traffic every second, requests (some partial with a timed-out chain), dead letters (one
 * carrying `<script>alert(1)</script>`), an instance that drains, leaves and is replaced now and then.
 * Not the gateway: real tests run against ops itself.
 *
 *   node tools/console-preview/preview-server.mjs [port]     (or PORT=…; default 0: a free port)
 *   PREVIEW_DROP_S=20 closes the event streams every 20 s, to watch the page reconnect.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';

const ASSETS = new URL('../../apps/ops/src/assets/console/', import.meta.url);
const FILES = {
  '/console': ['index.html', 'text/html; charset=utf-8'],
  '/console/console.css': ['console.css', 'text/css; charset=utf-8'],
  '/console/console.js': ['console.js', 'text/javascript; charset=utf-8'],
};
/** The policy ops sends with the page (console.routes.ts, CONSOLE_CSP), so the preview breaks where ops would. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const WINDOW_S = 300;
const CHAINS = ['chain1', 'chain2', 'chain3'];
const PARTITIONS = 6;
const DEADLINE_MS = 2000;
const LEASE_S = 10;
const RING = 500;

const rnd = Math.random;
const pick = (items) => items[Math.floor(rnd() * items.length)];
const hex = (bytes) => randomBytes(bytes).toString('hex');
/** As ops and the chains name themselves: `<host name>-<pid>-<6 hex>` (a container's host name is its id). */
const newInstanceId = () => `${hex(6)}-${1 + Math.floor(rnd() * 40)}-${hex(3)}`;

// ---------------------------------------------------------------------------------------------
// Topology: instances with leases kept alive every 3 s; a drain / leave / replace cycle.

const topology = new Map([
  ['ops', { kind: 'gateway', topic: 'ops.req', instances: [] }],
  ...CHAINS.map((name) => [name, { kind: 'chain', topic: `${name}.req`, instances: [] }]),
]);

function addInstance(name) {
  const svc = topology.get(name);
  const inst = {
    instanceId: newInstanceId(),
    draining: false,
    expiresAt: Date.now() + LEASE_S * 1000,
    keepAliveAt: Date.now(),
    host: `${name}-${hex(2)}.svc.local`,
  };
  svc.instances.push(inst);
  rebalance(name);
  return inst;
}

/** Chains share their topic's partitions among live instances; each ops instance holds one ops.resp partition. */
function rebalance(name) {
  const svc = topology.get(name);
  const active = svc.instances.filter((i) => !i.draining);
  for (const inst of svc.instances) inst.partitions = [];
  if (svc.kind === 'gateway') {
    svc.instances.forEach((inst, i) => (inst.partitions = [i]));
    return;
  }
  for (let p = 0; p < PARTITIONS; p++) active[p % Math.max(1, active.length)]?.partitions.push(p);
}

for (const name of topology.keys()) {
  addInstance(name);
  addInstance(name);
}
const self = topology.get('ops').instances[0];
const selfStartedAt = Date.now() - 3 * 3600_000 - 17 * 60_000;

let cycle = { step: 0, name: 'chain2', victim: null };

/** Every 45 s: an instance drains (at 20 s), leaves (26 s), and a new one joins (31 s). */
function lifecycle(second) {
  const at = second % 45;
  if (at === 20) {
    cycle = { name: CHAINS[Math.floor(second / 45) % CHAINS.length], victim: null };
    const svc = topology.get(cycle.name);
    cycle.victim = svc.instances[0];
    cycle.victim.draining = true;
    rebalance(cycle.name);
  } else if (at === 26 && cycle.victim) {
    const svc = topology.get(cycle.name);
    svc.instances = svc.instances.filter((i) => i !== cycle.victim);
    rebalance(cycle.name);
  } else if (at === 31 && cycle.victim) {
    addInstance(cycle.name);
    cycle.victim = null;
  }
}

function keepAlive(now) {
  for (const svc of topology.values()) {
    for (const inst of svc.instances) {
      if (now - inst.keepAliveAt >= 3000) {
        inst.keepAliveAt = now;
        inst.expiresAt = now + LEASE_S * 1000;
      }
    }
  }
}

function topologyEvent(now) {
  return {
    at: now,
    services: [...topology].map(([name, svc]) => ({
      name,
      kind: svc.kind,
      topic: svc.topic,
      instances: svc.instances.map((i) => ({
        instanceId: i.instanceId,
        draining: i.draining,
        leaseTtlS: Math.max(0, Math.round((i.expiresAt - now) / 1000)),
        partitions: i.partitions,
        host: i.host,
      })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Traffic: one second of every series, with a load wave, a spike (shed) now and then.

const LIMIT = 120;

function trafficSecond(t) {
  const spike = t % 97 < 6;
  const base = 38 + 14 * Math.sin(t / 40) + 6 * Math.sin(t / 7) + rnd() * 6;
  const offered = Math.round(spike ? base * 3.4 : base);
  const shed = spike ? Math.max(0, offered - LIMIT + Math.round(rnd() * 8)) : 0;
  const total = offered - shed;
  const timeouts = Math.round(total * (spike ? 0.06 : 0.012) + (rnd() < 0.3 ? 1 : 0));
  const chainErrors = rnd() < 0.35 ? 1 : 0;
  const gwErrors = rnd() < 0.15 ? 1 : 0;
  const partial = Math.min(total, timeouts + chainErrors);
  const series = { gateway: latency(t, { complete: total - partial - gwErrors, partial, error: gwErrors }, spike ? 3 : 1, 1) };
  CHAINS.forEach((name, i) => {
    const timeout = name === 'chain2' ? timeouts : Math.round(rnd() * 0.6);
    const error = i === 0 ? chainErrors : 0;
    const left = t % 45 === 26 && name === CHAINS[Math.floor(t / 45) % CHAINS.length] ? 2 : 0;
    series[name] = latency(
      t,
      { ok: Math.max(0, total - timeout - error - left), error, timeout, left },
      spike ? 2.5 : 1,
      [0.6, 1.4, 0.8][i],
    );
  });
  const inFlight = Math.min(LIMIT, Math.round(total * (spike ? 0.35 : 0.06) + rnd() * 4));
  const deadLettered = rnd() < 0.06 ? 1 + Math.floor(rnd() * 3) : 0;
  return { series, load: { t, inFlight, limit: LIMIT, shed, deadLettered } };
}

function latency(t, counts, slow, scale) {
  const answered = Object.values(counts).reduce((a, b) => a + b, 0);
  if (answered === 0) return { t, counts, p50Ms: null, p99Ms: null };
  const p50 = (24 + 8 * Math.sin(t / 30) + rnd() * 4) * slow * scale;
  const late = counts.partial && rnd() < 0.08 ? 900 + rnd() * 900 : 0;
  const p99 = p50 * (3.4 + Math.sin(t / 50) + rnd() * 0.8) + late;
  return { t, counts, p50Ms: Math.round(p50 * 10) / 10, p99Ms: Math.round(Math.min(DEADLINE_MS + 5, p99)) };
}

const traffic = { series: Object.fromEntries(['gateway', ...CHAINS].map((n) => [n, []])), load: [] };

function recordSecond(second) {
  for (const [name, point] of Object.entries(second.series)) {
    traffic.series[name].push(point);
    if (traffic.series[name].length > WINDOW_S) traffic.series[name].shift();
  }
  traffic.load.push(second.load);
  if (traffic.load.length > WINDOW_S) traffic.load.shift();
}

// ---------------------------------------------------------------------------------------------
// Requests: complete most of the time; partial with a timed-out or failed chain; gateway errors.

const ring = [];

function liveInstance(name) {
  const active = topology.get(name).instances.filter((i) => !i.draining);
  return pick(active.length ? active : topology.get(name).instances)?.instanceId;
}

function chainPart(name, broadcastMs, kind) {
  const sentMs = Math.round((0.8 + rnd() * broadcastMs) * 10) / 10;
  const work = Math.round((12 + rnd() ** 3 * 420 * (name === 'chain2' ? 1.6 : 1)) * 10) / 10;
  if (kind === 'timeout') return { service: name, status: 'timeout', sentMs };
  if (kind === 'left')
    return {
      service: name,
      status: 'left',
      sentMs,
      errorCode: 'CHAIN_LEFT',
      errorMessage: 'the instance that held the partition left before replying',
    };
  if (kind === 'error') {
    return {
      service: name,
      status: 'error',
      instance: liveInstance(name),
      sentMs,
      repliedMs: sentMs + work / 3,
      errorCode: 'MSG_HANDLER_FAILED',
      errorMessage: pick(['handler failed: no such order', 'handler failed: <img src=x onerror=alert(1)> is not a SKU']),
    };
  }
  return { service: name, status: 'ok', instance: liveInstance(name), sentMs, repliedMs: Math.round((sentMs + work) * 10) / 10 };
}

function makeRequest(startedAt) {
  const roll = rnd();
  const via = rnd() < 0.7 ? 'http' : 'kafka';
  const base = { uid: randomUUID(), traceId: hex(16), via, startedAt, deadlineMs: DEADLINE_MS };
  if (roll < 0.03)
    return {
      ...base,
      status: 'error',
      errorCode: 'OVERLOADED',
      errorMessage: 'the admission limit is reached: try again later',
      elapsedMs: 0.4,
      chains: [],
    };
  if (roll < 0.045) {
    return {
      ...base,
      status: 'error',
      errorCode: 'KAFKA_UNAVAILABLE',
      errorMessage: 'the broadcast could not be published',
      elapsedMs: 1503,
      broadcastMs: 1500,
      chains: CHAINS.map((service) => ({ service, status: 'unsent' })),
    };
  }
  const broadcastMs = Math.round((2 + rnd() * 6) * 10) / 10;
  const odd = roll < 0.13 ? 'timeout' : roll < 0.17 ? 'error' : roll < 0.19 ? 'left' : null;
  const oddChain = odd === 'timeout' ? 'chain2' : pick(CHAINS);
  const chains = CHAINS.map((name) => chainPart(name, broadcastMs, name === oddChain ? odd : 'ok'));
  const replied = Math.max(broadcastMs, ...chains.map((c) => c.repliedMs ?? 0));
  const elapsedMs = odd === 'timeout' ? DEADLINE_MS + Math.round(rnd() * 40) / 10 : Math.round((replied + 0.3 + rnd()) * 10) / 10;
  return { ...base, status: odd ? 'partial' : 'complete', elapsedMs, broadcastMs, chains };
}

function remember(req) {
  ring.unshift(req);
  if (ring.length > RING) ring.pop();
}

function requestLists() {
  const slowest = [...ring].sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, 50);
  return { recent: ring.slice(0, 100), slowest, partial: ring.filter((r) => r.status !== 'complete').slice(0, 100) };
}

// ---------------------------------------------------------------------------------------------
// Dead letters.

const deadLetters = [];
let offset = 18_400;

function makeDeadLetter(at, forced) {
  const kind = forced ?? pick(['json', 'envelope', 'handler', 'large']);
  const letter = {
    json: {
      reason: 'MSG_NOT_JSON: the value is not JSON: Unexpected token < in JSON at position 0',
      service: 'chain1',
      sourceTopic: 'chain1.req',
      valueHead: '<script>alert(1)</script>',
      key: '<img src=x onerror=alert(2)>',
    },
    envelope: {
      reason: 'MSG_ENVELOPE_INVALID: the envelope has no uid',
      service: 'chain3',
      sourceTopic: 'chain3.req',
      valueHead: '{"payload":{"sku":"A-1042","qty":3},"replyTo":"ops.resp"}',
      key: null,
    },
    handler: {
      reason: 'MSG_HANDLER_FAILED: handler failed: no such order',
      service: 'chain2',
      sourceTopic: 'chain2.req',
      valueHead: `{"uid":"${randomUUID()}","payload":{"order":"ORD-99812"}}`,
      key: randomUUID(),
    },
    large: {
      reason: 'MSG_TOO_LARGE: 1.2 MB is over the 1 MB limit',
      service: 'ops',
      sourceTopic: 'ops.req',
      valueHead: `{"uid":"${randomUUID()}","services":["chain1","chain2"],"payload":{"blob":"${'QUJD'.repeat(40)}`,
      key: randomUUID(),
    },
  }[kind];
  const valueBytes = kind === 'large' ? 1_258_291 : Buffer.byteLength(letter.valueHead) + (kind === 'json' ? 0 : Math.floor(rnd() * 40));
  offset += 1 + Math.floor(rnd() * 900);
  return { at, ...letter, sourcePartition: Math.floor(rnd() * PARTITIONS), sourceOffset: String(offset), valueBytes };
}

// ---------------------------------------------------------------------------------------------
// History, so the page starts full: 300 s of traffic, some requests and dead letters.

(function seedHistory() {
  const now = Date.now();
  const nowS = Math.floor(now / 1000);
  for (let t = nowS - WINDOW_S; t < nowS; t++) recordSecond(trafficSecond(t));
  for (let i = 300; i > 0; i--) remember(makeRequest(now - i * 900 - Math.floor(rnd() * 900)));
  deadLetters.push(
    makeDeadLetter(now - 200_000, 'envelope'),
    makeDeadLetter(now - 120_000, 'large'),
    makeDeadLetter(now - 45_000, 'handler'),
    makeDeadLetter(now - 9_000, 'json'),
  );
  deadLetters.sort((a, b) => b.at - a.at);
})();

// ---------------------------------------------------------------------------------------------
// Server-Sent Events.

const clients = new Set();

function send(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function broadcast(event, data) {
  for (const res of clients) send(res, event, data);
}

function hello() {
  const now = Date.now();
  return {
    instance: { instanceId: self.instanceId, replyPartition: self.partitions[0] ?? null, startedAt: selfStartedAt, ringSize: RING },
    topology: topologyEvent(now),
    traffic: { windowS: WINDOW_S, series: traffic.series, load: traffic.load },
    requests: requestLists(),
    deadLetters: deadLetters.slice(0, 50),
  };
}

function openStream(req, res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  send(res, 'hello', hello());
  clients.add(res);
  req.on('close', () => clients.delete(res));
}

let pending = [];

function everySecond() {
  const now = Date.now();
  const second = Math.floor(now / 1000) - 1;
  lifecycle(second);
  keepAlive(now);
  const tick = trafficSecond(second);
  recordSecond(tick);
  broadcast('traffic', { series: tick.series, load: tick.load });
  broadcast('topology', topologyEvent(now));
  if (tick.load.deadLettered > 0 && rnd() < 0.5) {
    const letter = makeDeadLetter(now, rnd() < 0.25 ? 'json' : undefined);
    deadLetters.unshift(letter);
    deadLetters.splice(200);
    broadcast('dead-letters', [letter]);
  }
}

/** At most four `requests` events a second, each with what was answered since the last. */
function everyQuarter() {
  const count = Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) pending.push(makeRequest(Date.now() - Math.floor(rnd() * 200)));
  pending = pending.map((r) => ({ ...r, startedAt: Math.min(r.startedAt, Date.now() - Math.ceil(r.elapsedMs)) }));
  if (pending.length === 0) return;
  pending.forEach(remember);
  broadcast('requests', pending);
  pending = [];
}

// ---------------------------------------------------------------------------------------------
// HTTP.

async function serveFile(res, [file, type]) {
  const body = await readFile(new URL(file, ASSETS));
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function searchRequests(res, q) {
  const needle = q.trim().toLowerCase();
  const requests = needle ? ring.filter((r) => r.uid.toLowerCase().startsWith(needle) || r.traceId?.toLowerCase() === needle) : [];
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ requests }));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://preview');
  if (url.pathname === '/' || url.pathname === '/console/') {
    res.writeHead(302, { location: '/console' }).end();
  } else if (FILES[url.pathname]) {
    serveFile(res, FILES[url.pathname]).catch((err) => res.writeHead(500).end(String(err)));
  } else if (url.pathname === '/console/events') {
    openStream(req, res);
  } else if (url.pathname === '/console/requests') {
    searchRequests(res, url.searchParams.get('q') ?? '');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  console.log(`console preview: http://127.0.0.1:${server.address().port}/console`);
  setTimeout(
    () => {
      everySecond();
      setInterval(everySecond, 1000);
    },
    1000 - (Date.now() % 1000) + 20,
  );
  setInterval(everyQuarter, 250);
  setInterval(() => clients.forEach((res) => res.write(': keep-alive\n\n')), 15_000);
  const dropS = Number(process.env.PREVIEW_DROP_S ?? 0);
  if (dropS > 0) setInterval(() => clients.forEach((res) => res.end()), dropS * 1000);
});
