import { Kafka, logLevel } from 'kafkajs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ETCD_ENDPOINTS, KAFKA_BROKERS } from './infra';

/** Checks, before any test, that the real Kafka and etcd answer and the service bundles are built. */
export default async function globalSetup(): Promise<void> {
  process.stdout.write(`\nintegration tests use Kafka ${KAFKA_BROKERS} and etcd ${ETCD_ENDPOINTS}\n`);
  for (const app of ['ops', 'chain1', 'chain2', 'chain3']) {
    const bundle = join(__dirname, '../../../../dist/apps', app, 'main.cjs');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build first (npx nx run-many -t build)`);
  }
  const admin = new Kafka({ brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka at ${KAFKA_BROKERS} does not answer (start it: npm run stack start): ${(error as Error).message}`);
  } finally {
    await admin.disconnect();
  }
  const health = await fetch(`${ETCD_ENDPOINTS.split(',')[0]}/health`).then(
    (r) => r.json() as Promise<{ health?: string }>,
    (error: Error) => ({ error: error.message }),
  );
  if (!('health' in health) || health.health !== 'true') {
    throw new Error(`etcd at ${ETCD_ENDPOINTS} is not healthy (start it: npm run stack start): ${JSON.stringify(health)}`);
  }
}
