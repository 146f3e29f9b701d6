/**
 * What the operator console costs ops, apart from an open console's stream: how much memory its
 * request ring holds when full (OPS_CONSOLE_RING) — rings of the default and a larger size filled
 * with requests shaped as the gateway records them (three chains, uids, trace ids, instance names),
 * each wrapped once — and how long recording one answered request takes on the request's path
 * (RequestRecorder.record and the noteReply of its three replies). Bundles the TypeScript with esbuild.
 *
 *   node --expose-gc tools/console-measure/measure.mjs
 */
import { build } from 'esbuild';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
const outfile = join(mkdtempSync(join(tmpdir(), 'ring-')), 'ring.cjs');
// One bundle of the three console modules (the request path's part of the console).
const entry = join(dirname(outfile), 'entry.ts');
const modules = { RequestRing: 'request-ring', RequestRecorder: 'request-recorder', TrafficWindow: 'traffic-window' };
writeFileSync(
  entry,
  Object.entries(modules)
    .map(([name, file]) => `export { ${name} } from ${JSON.stringify(resolve('apps/ops/src/app/console', file))};`)
    .join('\n'),
);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  logLevel: 'warning',
  external: ['@gateway/*'],
});
const { RequestRing, RequestRecorder, TrafficWindow } = createRequire(import.meta.url)(outfile);

/** A request as RequestRecorder records it: three chains that answered, named by instance. */
function request(i) {
  return {
    uid: randomUUID(),
    traceId: randomBytes(16).toString('hex'),
    via: i % 3 ? 'http' : 'kafka',
    status: i % 10 ? 'complete' : 'partial',
    startedAt: Date.now(),
    elapsedMs: 40 + (i % 200),
    deadlineMs: 3000,
    broadcastMs: 3,
    chains: ['chain1', 'chain2', 'chain3'].map((service, j) => ({
      service,
      status: 'ok',
      instance: `${service}-vm-12345-${randomBytes(3).toString('hex')}`,
      sentMs: 2 + j,
      repliedMs: 30 + j * 10,
    })),
  };
}

const kept = [];
for (const size of [1000, 10_000]) {
  global.gc();
  const before = process.memoryUsage().heapUsed;
  const ring = new RequestRing(size);
  for (let i = 0; i < size * 2; i++) ring.add(request(i));
  global.gc();
  const retained = process.memoryUsage().heapUsed - before;
  kept.push(ring);
  const mib = (retained / 1024 / 1024).toFixed(2);
  console.log(`OPS_CONSOLE_RING=${size}: ${mib} MiB retained when full (${Math.round(retained / size)} bytes per request, 3 chains)`);
}

/** Nanoseconds per answered request of RequestRecorder (record + noteReply ×3), over `n` requests. */
function recordingCost(n) {
  const recorder = new RequestRecorder(new RequestRing(1000), new TrafficWindow());
  const services = ['chain1', 'chain2', 'chain3'];
  const results = Object.fromEntries(services.map((s, j) => [s, { status: 'ok', result: 1, latencyMs: 30 + j }]));
  const uids = Array.from({ length: 10_000 }, () => randomUUID());
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const uid = uids[i % uids.length];
    for (const s of services) recorder.noteReply(uid, s, `${s}-vm-12345-abcdef`);
    recorder.record({
      uid,
      source: 'http',
      traceId: '0123456789abcdef0123456789abcdef',
      startedAt: 1,
      deadline: 3001,
      answer: { uid, status: 'complete', missing: [], elapsedMs: 40, results },
      broadcast: { services, sentMs: [3, 3, 3], failed: [false, false, false], settledMs: 3 },
    });
  }
  return Number(process.hrtime.bigint() - started) / n;
}
recordingCost(200_000); // warm-up
console.log(`recording an answered request: ${recordingCost(500_000).toFixed(0)} ns (3 chains)`);
