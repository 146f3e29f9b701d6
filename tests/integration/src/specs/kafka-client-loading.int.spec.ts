import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDER, System } from '../support/system';

const PROBE = join(__dirname, '../support/client-probe.cjs');

/** Runs ops and chain1 on `client`, sends one request through, stops them, and returns what each process loaded. */
async function librariesLoaded(client: string): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'client-probe-'));
  const system = new System({
    chains: ['chain1'],
    env: { KAFKA_CLIENT: client, NODE_OPTIONS: `--require ${PROBE}`, CLIENT_PROBE_DIR: dir },
  });
  try {
    await system.start();
    const { body } = await system.aggregate({ payload: ORDER, timeoutMs: 3000 });
    expect(body.status).toBe('complete');
  } finally {
    await system.stop();
  }
  const lists = readdirSync(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as string[]);
  rmSync(dir, { recursive: true, force: true });
  return lists;
}

/** Only the Kafka client a service is configured with is loaded (the TopicAdmin port included). */
describe('KAFKA_CLIENT loads one client library', () => {
  it('with platformatic, neither ops (nor its Kafka thread) nor a chain ever loads kafkajs', async () => {
    const lists = await librariesLoaded('platformatic');
    expect(lists.length).toBeGreaterThanOrEqual(2); // ops, chain1 (and ops' Kafka thread)
    for (const list of lists) expect(list).not.toContain('kafkajs');
    expect(lists.flat()).toContain('@platformatic/kafka');
  }, 120_000);

  it('with kafkajs, the probe sees kafkajs loaded (so it would see it above)', async () => {
    const lists = await librariesLoaded('kafkajs');
    expect(lists.flat()).toContain('kafkajs');
  }, 120_000);
});
