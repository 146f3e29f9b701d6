import pino from 'pino';
import { ServiceCatalog } from '../catalog/service-catalog';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { CatalogSync } from './catalog.sync';
import { recordingLogger } from '../testing/recording-logger';
import { DiscoveryError } from '../errors/discovery.error';
import { createEtcdClient } from './etcd-client.factory';
import { PartitionClaim } from './partition.claim';
import { ServiceRegistration } from './service.registration';

// Port 1 on loopback refuses connections: this is etcd being down, without needing an etcd.
const logger = pino({ level: 'silent' });
const record = { name: 'chain1', kind: 'chain' as const, topic: 'chain1.req', instanceId: 'i-1' };

describe('with etcd unreachable', () => {
  const client = createEtcdClient(['http://127.0.0.1:1'], { callTimeoutMs: 300 });
  afterAll(() => client.close());

  it('CatalogSync.start() rejects with ETCD_UNAVAILABLE within startTimeoutMs, and close() ends the retries', async () => {
    const sync = new CatalogSync({ client, catalog: new ServiceCatalog(), logger, startTimeoutMs: 600 });
    const started = Date.now();
    await expect(sync.start()).rejects.toMatchObject({ code: DiscoveryErrorCodes.ETCD_UNAVAILABLE, retriable: true });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sync.loaded).toBe(false);
    expect(sync.connected).toBe(false);
    await sync.close();
  });

  it('ServiceRegistration.start() rejects with ETCD_UNAVAILABLE, and close() never throws', async () => {
    const registration = new ServiceRegistration({ client, record, logger, startTimeoutMs: 600, closeTimeoutMs: 300 });
    await expect(registration.start()).rejects.toMatchObject({ code: DiscoveryErrorCodes.ETCD_UNAVAILABLE });
    expect(registration.registered).toBe(false);
    await expect(registration.close()).resolves.toBeUndefined();
  });

  it('PartitionClaim.start() rejects with ETCD_UNAVAILABLE, with the last failure as its cause', async () => {
    const claim = new PartitionClaim({ client, prefix: '/p/', partitions: 2, owner: 'a', ttlSeconds: 3, logger, maxBackoffMs: 100 });
    const error = await claim.start(1000).catch((e: unknown) => e);
    await claim.close();
    expect(error).toMatchObject({ code: DiscoveryErrorCodes.ETCD_UNAVAILABLE, retriable: true, context: { key: '/p/' } });
    expect((error as Error).cause).toBeDefined();
  });

  it('a start() still waiting resolves when close() is called', async () => {
    const registration = new ServiceRegistration({ client, record, logger, startTimeoutMs: 10_000 });
    const pending = registration.start();
    await registration.close();
    await expect(pending).resolves.toBeUndefined();
    expect(registration.registered).toBe(false);
  });

  it('PartitionClaim.start() rejects with DISCOVERY_ETCD_UNAVAILABLE after its time limit, retrying by the lease settings meanwhile', async () => {
    const { logger: recording, lines } = recordingLogger();
    const claim = new PartitionClaim({ client, prefix: '/p/', partitions: 2, owner: 'o', logger: recording, maxBackoffMs: 50 });
    const failure: unknown = await claim.start(800).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DiscoveryError);
    expect(failure).toMatchObject({ code: 'DISCOVERY_ETCD_UNAVAILABLE', retriable: true });
    expect(claim.partition).toBeUndefined();
    const delays = lines.filter((l) => l['msg'] === 'claim failed; retrying').map((l) => Number(l['delayMs']));
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(50);
    await expect(claim.close()).resolves.toBeUndefined();
  });

  it('a PartitionClaim.start() still waiting rejects at once when close() is called', async () => {
    const claim = new PartitionClaim({ client, prefix: '/p/', partitions: 2, owner: 'o', logger, maxBackoffMs: 50 });
    const rejected = expect(claim.start(10_000)).rejects.toThrow('claiming one of 2 partitions under /p/ ended by close()');
    const started = Date.now();
    await claim.close();
    await rejected;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
