/**
 * How much memory the console's request ring holds when full (OPS_CONSOLE_RING): bundles
 * apps/ops/src/app/console/request-ring.ts with esbuild, fills rings of the default and a larger
 * size with requests shaped as the gateway records them (three chains, uids, trace ids, instance
 * names), wraps each once, and prints the heap they retain.
 *
 *   node --expose-gc tools/console-ring-memory/measure.mjs
 */
import { build } from 'esbuild';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
const outfile = join(mkdtempSync(join(tmpdir(), 'ring-')), 'ring.cjs');
await build({
  entryPoints: ['apps/ops/src/app/console/request-ring.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  logLevel: 'warning',
});
const { RequestRing } = createRequire(import.meta.url)(outfile);

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
