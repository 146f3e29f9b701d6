import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  BoundPorts,
  GenericContainer,
  getContainerRuntimeClient,
  Wait,
  waitForContainer,
  type InspectResult,
  type StartedTestContainer,
} from 'testcontainers';

/**
 * Kafka and etcd in containers (testcontainers), for the integration tests on a machine with a
 * Docker engine. The images are those of docker-compose.yml.
 */
export const KAFKA_IMAGE = 'apache/kafka:4.4.0';
export const ETCD_IMAGE = 'quay.io/coreos/etcd:v3.5.17';

/** The answer of {@link dockerAvailable}. */
export type DockerCheck = { available: true; host: string } | { available: false; reason: string };

/**
 * Whether a Docker engine answers, by testcontainers' own runtime detection (DOCKER_HOST,
 * ~/.testcontainers.properties, the Docker sockets). It runs in a child process killed after
 * `timeoutMs`, so an engine that accepts the connection and never answers cannot hang the caller
 * or leave a socket open in it. scripts/test.sh asks the same question the same way.
 */
export function dockerAvailable(timeoutMs = 3_000): Promise<DockerCheck> {
  const script = `require(${JSON.stringify(require.resolve('testcontainers'))}).getContainerRuntimeClient().then(
    (c) => { process.stdout.write(c.info.containerRuntime.host); process.exit(0); },
    (e) => { process.stderr.write(String(e && e.message)); process.exit(1); })`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (!error) return resolve({ available: true, host: stdout.trim() });
      const why = error.killed ? `no answer in ${timeoutMs / 1000} s` : stderr.trim() || error.message;
      const where = process.env['DOCKER_HOST']
        ? `DOCKER_HOST=${process.env['DOCKER_HOST']}`
        : existsSync('/var/run/docker.sock')
          ? '/var/run/docker.sock'
          : 'no DOCKER_HOST, no /var/run/docker.sock';
      resolve({ available: false, reason: `${why}; ${where}` });
    });
  });
}

/** Started containers and the addresses the tests and the services use. */
export interface StartedInfra {
  kafkaBrokers: string;
  etcdEndpoints: string;
  containers: StartedTestContainer[];
}

/** Where global-setup.ts leaves what it started for global-teardown.ts (Jest runs both in one process, same globalThis). */
export const STARTED_KEY = '__integrationInfra';
export const shared = globalThis as unknown as Record<typeof STARTED_KEY, StartedInfra | undefined>;

const STARTER_SCRIPT = '/testcontainers_start.sh';
const WAITING_FOR_SCRIPT = 'waiting for the starter script';
/** The listener the host uses, advertised as <docker host>:<its mapped port> once that is known. */
const KAFKA_PORT = 9092;

/**
 * Single-node KRaft Kafka whose PLAINTEXT listener is advertised on the port Docker mapped it to.
 * That port is known only after the container started, so (as testcontainers' KafkaContainer does)
 * the container first waits for a starter script, which is copied in once the port is known and
 * runs the image's own /etc/kafka/docker/run with KAFKA_ADVERTISED_LISTENERS set.
 */
class KafkaContainer extends GenericContainer {
  private readonly readyStrategy = Wait.forLogMessage('Kafka Server started').withStartupTimeout(120_000);

  constructor() {
    super(KAFKA_IMAGE);
    this.withExposedPorts(KAFKA_PORT)
      .withEnvironment({
        // Any KAFKA_* variable makes the image build server.properties from the environment alone.
        CLUSTER_ID: 'it4RbCqmT4yBvBzGnB7hbw',
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
        KAFKA_MIN_INSYNC_REPLICAS: '1',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        // The services create their topics; a typo must not create one (as on the local stack).
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withEntrypoint(['sh'])
      .withCommand(['-c', `echo '${WAITING_FOR_SCRIPT}'; while [ ! -f ${STARTER_SCRIPT} ]; do sleep 0.1; done; exec ${STARTER_SCRIPT}`])
      .withWaitStrategy(Wait.forLogMessage(WAITING_FOR_SCRIPT))
      .withStartupTimeout(60_000);
  }

  protected override async containerStarted(container: StartedTestContainer, inspectResult: InspectResult): Promise<void> {
    const advertised = `PLAINTEXT://${container.getHost()}:${container.getMappedPort(KAFKA_PORT)},BROKER://localhost:19092`;
    const script = `#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS='${advertised}'\nexec /etc/kafka/docker/run\n`;
    await container.copyContentToContainer([{ content: script, target: STARTER_SCRIPT, mode: 0o755 }]);
    const client = await getContainerRuntimeClient();
    const boundPorts = BoundPorts.fromInspectResult(client.info.containerRuntime.hostIps, inspectResult).filter(this.exposedPorts);
    await waitForContainer(client, client.container.getById(container.getId()), this.readyStrategy, boundPorts);
  }
}

/** Starts Kafka and etcd (in parallel); on any failure stops what did start, then throws. */
export async function startContainers(): Promise<StartedInfra> {
  const etcd = new GenericContainer(ETCD_IMAGE)
    .withExposedPorts(2379)
    .withCommand([
      '/usr/local/bin/etcd',
      '--data-dir=/tmp/etcd-data',
      '--listen-client-urls=http://0.0.0.0:2379',
      '--advertise-client-urls=http://0.0.0.0:2379',
    ])
    .withWaitStrategy(
      Wait.forHttp('/health', 2379).forResponsePredicate((body) => (JSON.parse(body) as { health?: string }).health === 'true'),
    )
    .withStartupTimeout(60_000);
  const results = await Promise.allSettled([new KafkaContainer().start(), etcd.start()]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failed.length > 0) {
    await stopContainers(started);
    throw new Error(`testcontainers could not start Kafka and etcd: ${failed.map((e) => e.message).join('; ')}`);
  }
  const [kafka, etcdStarted] = started as [StartedTestContainer, StartedTestContainer];
  return {
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(KAFKA_PORT)}`,
    etcdEndpoints: `http://${etcdStarted.getHost()}:${etcdStarted.getMappedPort(2379)}`,
    containers: started,
  };
}

/** Stops (at once: they are throwaway) and removes containers; never throws. */
export async function stopContainers(containers: StartedTestContainer[]): Promise<void> {
  await Promise.allSettled(containers.map((c) => c.stop()));
}
