import pino from 'pino';
import { ServiceCatalog } from '../catalog/service-catalog';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { CatalogSync } from './catalog.sync';
import { createEtcdClient } from './etcd-client.factory';
import { PartitionClaim } from './partition.claim';
import { ServiceRegistration } from './service.registration';

// Constructing clients and adapters never contacts etcd, so these checks need no server.
const logger = pino({ level: 'silent' });
const record = { name: 'chain1', kind: 'chain' as const, topic: 'chain1.req', instanceId: 'i-1' };

describe('options checked up front', () => {
  const client = createEtcdClient(['http://127.0.0.1:1']);
  afterAll(() => client.close());

  it.each([[[]], [['']], [['127.0.0.1:2379']], [['http://a:1/path']]])('createEtcdClient refuses %j', (endpoints) => {
    expect(() => createEtcdClient(endpoints)).toThrow(expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS }));
  });

  it('createEtcdClient refuses endpoints that mix http and https, and TLS settings without https', () => {
    expect(() => createEtcdClient(['http://a:1', 'https://b:1'])).toThrow(/mix http:\/\/ and https:\/\//);
    expect(() => createEtcdClient(['http://a:1'], { security: { tls: { ca: 'PEM' } } })).toThrow(/TLS settings need https:\/\/ endpoints/);
    const secure = createEtcdClient(['https://a:1'], { security: { tls: {}, login: { username: 'u', password: { reveal: () => 'p' } } } });
    secure.close();
  });

  it.each([0, 1.5, -1])('ServiceRegistration refuses ttlSeconds %p', (ttlSeconds) => {
    expect(() => new ServiceRegistration({ client, record, ttlSeconds, logger })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'ttlSeconds' } }),
    );
  });

  it('ServiceRegistration refuses a record that breaks the contract', () => {
    const bad = { ...record, kind: 'worker' as unknown as 'chain' };
    expect(() => new ServiceRegistration({ client, record: bad, logger })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_RECORD }),
    );
    const slash = { ...record, name: 'a/b' };
    expect(() => new ServiceRegistration({ client, record: slash, logger })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_RECORD }),
    );
  });

  it('PartitionClaim refuses a bad lease setting like a registration, and no partitions', () => {
    const claim = { client, prefix: '/p/', partitions: 3, owner: 'o', logger };
    expect(() => new PartitionClaim({ ...claim, ttlSeconds: 0 })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'ttlSeconds' } }),
    );
    expect(() => new PartitionClaim({ ...claim, maxBackoffMs: -1 })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'maxBackoffMs' } }),
    );
    expect(() => new PartitionClaim({ ...claim, partitions: 0 })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'partitions' } }),
    );
  });

  it('CatalogSync refuses a bad interval', () => {
    const catalog = new ServiceCatalog();
    expect(() => new CatalogSync({ client, catalog, logger, resyncIntervalMs: 0 })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'resyncIntervalMs' } }),
    );
  });

  it('close() before start() is a no-op and idempotent', async () => {
    const registration = new ServiceRegistration({ client, record, logger });
    const sync = new CatalogSync({ client, catalog: new ServiceCatalog(), logger });
    await Promise.all([registration.close(), registration.close(), sync.close(), sync.close()]);
    expect(registration.registered).toBe(false);
    expect(sync.loaded).toBe(false);
    expect(sync.stalenessSeconds()).toBe(Number.POSITIVE_INFINITY);
  });
});
