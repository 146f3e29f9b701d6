import { createEtcdClient, ServiceRegistration } from '@gateway/discovery';
import { createKafkaTransport, type KafkaTransport, type Logger } from '@gateway/messaging';
import { HealthServer, type HealthEndpoint, type Registration } from '@gateway/service';
import type { Registry } from 'prom-client';
import type { ChainConfig } from './chain.config';

/** What the health endpoint of a chain reports: its readiness and its metrics. */
export interface ChainHealth {
  readiness: () => string[];
  registry: Registry;
}

/**
 * The parts a {@link ChainService} is built from: its Kafka client, its registration in discovery
 * and its health endpoint. The real ones come from {@link createChainParts}; unit tests pass
 * in-memory ones.
 */
export interface ChainParts {
  transport: KafkaTransport;
  registration: Registration;
  /** Builds the health endpoint for what the service reports (none: no endpoint). */
  health?: (health: ChainHealth) => HealthEndpoint;
}

/**
 * The real parts: the Kafka client of KAFKA_CLIENT, a lease-held registration of the record
 * `{ name, kind: 'chain', topic, instanceId }` in etcd (the etcd client closes with it), and
 * `/healthz`, `/readyz`, `/metrics` on CHAIN_HTTP_PORT.
 */
export function createChainParts(name: string, topic: string, config: ChainConfig, logger: Logger): ChainParts {
  const etcd = createEtcdClient(config.etcdEndpoints, { security: config.etcdSecurity });
  const registration = new ServiceRegistration({
    client: etcd,
    ttlSeconds: config.leaseTtlSeconds,
    prefix: config.discoveryPrefix,
    logger,
    record: { name, kind: 'chain', topic, instanceId: config.instanceId, pid: process.pid, startedAt: new Date().toISOString() },
  });
  return {
    transport: createKafkaTransport({
      client: config.kafkaClient,
      brokers: config.kafkaBrokers,
      security: config.kafkaSecurity,
      clientId: `${name}-${config.instanceId}`,
      logger,
    }),
    registration: {
      get registered() {
        return registration.registered;
      },
      start: () => registration.start(),
      drain: () => registration.drain(),
      annotate: (fields) => registration.annotate(fields),
      close: async () => {
        await registration.close();
        etcd.close();
      },
    },
    health: ({ readiness, registry }) => new HealthServer({ port: config.httpPort, host: config.httpHost, registry, readiness }),
  };
}
