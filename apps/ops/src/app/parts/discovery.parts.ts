import { CatalogSync, createEtcdClient, ServiceRegistration, type Etcd3, type ServiceCatalog } from '@gateway/discovery';
import type { Logger } from 'pino';
import type { OpsConfig } from '../ops.config';

/** ops' side of etcd: one client, the catalog kept in sync with it, and ops' own registration. */
export interface DiscoveryParts {
  etcd: Etcd3;
  catalogSync: CatalogSync;
  registration: ServiceRegistration;
}

/** The etcd client, the sync that fills `catalog`, and the record that registers this instance as the gateway. */
export function createDiscoveryParts(config: OpsConfig, logger: Logger, catalog: ServiceCatalog): DiscoveryParts {
  const etcd = createEtcdClient(config.etcdEndpoints, { security: config.etcdSecurity });
  const catalogSync = new CatalogSync({ client: etcd, catalog, prefix: config.discoveryPrefix, logger });
  const registration = new ServiceRegistration({
    client: etcd,
    ttlSeconds: config.leaseTtlSeconds,
    prefix: config.discoveryPrefix,
    logger,
    record: {
      name: 'ops',
      kind: 'gateway',
      topic: config.topics.opsReq,
      instanceId: config.instanceId,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    },
  });
  return { etcd, catalogSync, registration };
}
