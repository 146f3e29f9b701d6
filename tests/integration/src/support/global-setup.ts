import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { dockerAvailable, shared, startContainers, STARTED_KEY, stopContainers } from './containers';
import { etcdEndpoints, kafkaBrokers } from './infra';

/** The part of Jest's project config used here. */
interface ProjectConfig {
  displayName?: string | { name: string };
}

/**
 * Before any test: chooses where Kafka and etcd come from and prints it in one line, then checks
 * that the service bundles are built, Kafka answers and etcd is healthy.
 *
 * - KAFKA_BROKERS / ETCD_ENDPOINTS given: those (and the local stack's address for one not given);
 * - else, a Docker engine answers: Kafka and etcd in containers (testcontainers), whose addresses go
 *   into KAFKA_BROKERS / ETCD_ENDPOINTS for the tests and the service processes they start;
 * - else the local stack (scripts/stack.sh; scripts/test.sh starts it).
 * The fault and secured suites always use the local stack: they drive it through scripts/stack.sh.
 * The cluster suite runs on the cluster stack, whose addresses scripts/test.sh puts in the environment.
 */
export default async function globalSetup(_globalConfig: unknown, project: ProjectConfig = {}): Promise<void> {
  for (const app of ['ops', 'chain1', 'chain2', 'chain3']) {
    const bundle = join(__dirname, '../../../../dist/apps', app, 'main.cjs');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build first (npx nx run-many -t build)`);
  }
  const suite = typeof project.displayName === 'string' ? project.displayName : project.displayName?.name;
  if (suite === 'cluster' && kafkaBrokers().split(',').length < 3) {
    throw new Error('the cluster suite needs the cluster stack: run it with `npm run test:cluster` (scripts/test.sh cluster)');
  }
  const source = await chooseInfrastructure(suite === 'faults' || suite === 'secure');
  process.stdout.write(`\ninfrastructure: ${source} — Kafka ${kafkaBrokers()}, etcd ${etcdEndpoints()}\n`);
  const missing = ['kcat', 'etcdctl'].filter((tool) => !onPath(tool));
  if (missing.length > 0) process.stdout.write(`note: ${missing.join(', ')} not on PATH: the tests that use them will fail\n`);
  try {
    await checkKafka();
    await checkEtcd();
  } catch (error) {
    await stopContainers(shared[STARTED_KEY]?.containers ?? []);
    shared[STARTED_KEY] = undefined;
    throw error;
  }
}

/** Decides, starts the containers when they are chosen, and says why (the text after "infrastructure: "). */
async function chooseInfrastructure(localStackOnly: boolean): Promise<string> {
  const given = ['KAFKA_BROKERS', 'ETCD_ENDPOINTS'].filter((name) => process.env[name]);
  if (given.length > 0) {
    const rest = given.length === 1 ? `; ${given[0] === 'KAFKA_BROKERS' ? 'etcd' : 'Kafka'} from the local stack` : '';
    return `from the environment (${given.join(', ')} set${rest})`;
  }
  if (localStackOnly) return 'local stack (the fault and secured suites drive Kafka and etcd through scripts/stack.sh)';
  const docker = await dockerAvailable();
  if (!docker.available) return `local stack (no Docker engine: ${docker.reason})`;
  const started = await startContainers();
  shared[STARTED_KEY] = started;
  process.env['KAFKA_BROKERS'] = started.kafkaBrokers;
  process.env['ETCD_ENDPOINTS'] = started.etcdEndpoints;
  return 'testcontainers';
}

const HINT = 'start the local stack (npm run stack -- start), or set KAFKA_BROKERS / ETCD_ENDPOINTS';

async function checkKafka(): Promise<void> {
  const admin = new Kafka({ brokers: kafkaBrokers().split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka at ${kafkaBrokers()} does not answer (${HINT}): ${(error as Error).message}`);
  } finally {
    await admin.disconnect();
  }
}

async function checkEtcd(): Promise<void> {
  const health = await fetch(`${etcdEndpoints().split(',')[0]}/health`).then(
    (r) => r.json() as Promise<{ health?: string }>,
    (error: Error) => ({ error: error.message }),
  );
  if (!('health' in health) || health.health !== 'true') {
    throw new Error(`etcd at ${etcdEndpoints()} is not healthy (${HINT}): ${JSON.stringify(health)}`);
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
