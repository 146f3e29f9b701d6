import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pollUntil } from '../load/clock';
import { PeerServices } from './peer-services';

/**
 * A stand-in for dist/bench/peer/seed-peer (no Kafka needed): it records how it was started, and
 * as `ops` serves /readyz and answers `partial` to the first two POST /requests, then `complete`.
 * With FAIL set to a chain's name, that chain exits 3 at once.
 */
const FAKE_PEER = `#!${process.execPath}
const http = require('node:http');
const fs = require('node:fs');
const [mode, chain] = process.argv.slice(2);
fs.appendFileSync(__dirname + '/started.jsonl', JSON.stringify({ mode, chain, prefix: process.env.TOPIC_PREFIX,
  brokers: process.env.KAFKA_BROKERS, port: process.env.PEER_HTTP_PORT }) + '\\n');
process.on('SIGTERM', () => process.exit(0));
if (mode === 'chain' && chain === process.env.FAKE_PEER_FAIL) process.exit(3);
if (mode === 'ops') {
  let probes = 0;
  http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/readyz') return res.end(process.env.FAKE_PEER_FAIL ? (res.statusCode = 503, '{}') : '{}');
    if (req.url === '/probes') return res.end(JSON.stringify({ probes }));
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ status: ++probes < 3 ? 'partial' : 'complete' })));
  }).listen(Number(process.env.PEER_HTTP_PORT), '127.0.0.1');
} else {
  setInterval(() => undefined, 1000);
}
`;

describe('PeerServices (with a stand-in executable)', () => {
  let repo: string;
  let peer: PeerServices | undefined;

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'peer-services-'));
  });

  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
    delete process.env['FAKE_PEER_FAIL'];
    rmSync(repo, { recursive: true, force: true });
  });

  function installFake(): void {
    const binary = PeerServices.binary(repo);
    mkdirSync(dirname(binary), { recursive: true });
    writeFileSync(binary, FAKE_PEER);
    chmodSync(binary, 0o755);
  }

  const started = (): Array<Record<string, string | undefined>> =>
    readFileSync(join(dirname(PeerServices.binary(repo)), 'started.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, string | undefined>);

  it('is available only when the binary is there', () => {
    expect(PeerServices.binary(repo)).toBe(join(repo, 'dist/bench/peer/seed-peer'));
    expect(PeerServices.available(repo)).toBe(false);
    installFake();
    expect(PeerServices.available(repo)).toBe(true);
  });

  it('starts three chains and ops on the run topic prefix, probes until complete, stops them all', async () => {
    installFake();
    peer = new PeerServices({ repo, logDir: join(repo, 'logs'), runId: 'r1', kafkaBrokers: 'k1:9092,k2:9092' });
    await peer.start();

    expect([...peer.processes.keys()].sort()).toEqual(['peer-chain1', 'peer-chain2', 'peer-chain3', 'peer-ops']);
    for (const child of peer.processes.values()) expect(child.pid).toBeGreaterThan(0);
    expect(peer.port).toBeGreaterThan(0);
    expect(peer.topicPrefix()).toBe('bench.r1-peer.');
    // On a busy machine a stand-in chain may not have written its line yet (the real ops would not be complete without it).
    await pollUntil(() => started().length >= 4, 5000);
    expect(started().sort((a, b) => `${a['mode']}${a['chain']}`.localeCompare(`${b['mode']}${b['chain']}`))).toEqual([
      { mode: 'chain', chain: 'chain1', prefix: 'bench.r1-peer.', brokers: 'k1:9092,k2:9092' },
      { mode: 'chain', chain: 'chain2', prefix: 'bench.r1-peer.', brokers: 'k1:9092,k2:9092' },
      { mode: 'chain', chain: 'chain3', prefix: 'bench.r1-peer.', brokers: 'k1:9092,k2:9092' },
      { mode: 'ops', prefix: 'bench.r1-peer.', brokers: 'k1:9092,k2:9092', port: String(peer.port) },
    ]);
    // Two partial answers did not end the start; the third, complete, did.
    const counted = (await (await fetch(`http://127.0.0.1:${peer.port}/probes`)).json()) as { probes: number };
    expect(counted.probes).toBe(3);

    const codes = await peer.stop();
    peer = undefined;
    expect(codes).toEqual({ 'peer-ops': 0, 'peer-chain1': 0, 'peer-chain2': 0, 'peer-chain3': 0 });
  }, 20_000);

  it('fails fast when a process exits during start-up', async () => {
    installFake();
    process.env['FAKE_PEER_FAIL'] = 'chain2';
    peer = new PeerServices({ repo, logDir: join(repo, 'logs'), runId: 'r2', kafkaBrokers: 'k:9092' });
    const began = Date.now();
    await expect(peer.start()).rejects.toThrow(/peer-chain2 exited during start-up/);
    expect(Date.now() - began).toBeLessThan(10_000);
    const codes = await peer.stop();
    peer = undefined;
    // Every process was stopped (ops may die of the SIGTERM before its handler is installed).
    expect(Object.keys(codes).sort()).toEqual(['peer-chain1', 'peer-chain2', 'peer-chain3', 'peer-ops']);
    expect(codes['peer-chain2']).toBe(3);
  }, 20_000);
});
