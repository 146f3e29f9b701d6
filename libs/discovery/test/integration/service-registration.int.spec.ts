import type { Etcd3 } from 'etcd3';
import { DiscoveryError, DiscoveryErrorCodes, ServiceRecord, ServiceRegistration, serviceKey } from '../../src';
import { leaseOf, newClient, randomPrefix, revokeLease, testLogger, waitFor } from './support/etcd-test.helpers';

describe('ServiceRegistration against etcd', () => {
  let client: Etcd3;
  let prefix: string;
  let record: ServiceRecord;
  const registrations: ServiceRegistration[] = [];

  function register(ttlSeconds = 3): ServiceRegistration {
    const registration = new ServiceRegistration({ client, record, prefix, ttlSeconds, logger: testLogger() });
    registrations.push(registration);
    return registration;
  }

  beforeEach(() => {
    client = newClient();
    prefix = randomPrefix();
    record = { name: 'chain1', kind: 'chain', topic: 'chain1.req', instanceId: `i-${Date.now()}`, version: '1' };
  });

  afterEach(async () => {
    await Promise.all(registrations.splice(0).map((r) => r.close()));
    await client.delete().prefix(prefix).exec();
    client.close();
  });

  it('writes the record under a lease once start() resolves, and start() is idempotent', async () => {
    const registration = register(5);
    const seen: string[] = [];
    registration.on('registered', (key) => seen.push(key));
    await Promise.all([registration.start(), registration.start()]);
    await registration.start();
    const key = serviceKey(record.name, record.instanceId, prefix);
    expect(registration.registered).toBe(true);
    expect(seen).toEqual([key]);
    expect(JSON.parse((await client.get(key).string()) ?? 'null')).toEqual(record);
    const lease = await leaseOf(client, key);
    expect(lease).not.toBe('0');
    const ttl = await client.leaseClient.leaseTimeToLive({ ID: lease ?? '0' });
    expect(Number(ttl.grantedTTL)).toBe(5);
  });

  it('close() revokes the lease, which deletes the key; a second close() is a no-op', async () => {
    const registration = register();
    await registration.start();
    const key = serviceKey(record.name, record.instanceId, prefix);
    await registration.close();
    await registration.close();
    expect(registration.registered).toBe(false);
    expect(await client.get(key).string()).toBeNull();
  });

  it('registers again on a new lease after its lease is revoked from outside', async () => {
    const registration = register(3);
    const lost: DiscoveryError[] = [];
    registration.on('lease-lost', (error) => lost.push(error));
    await registration.start();
    const key = serviceKey(record.name, record.instanceId, prefix);
    const firstLease = await leaseOf(client, key);
    await revokeLease(client, firstLease ?? '0'); // deletes the key, like `etcdctl lease revoke`
    // The keepalive runs every TTL/3, so the loss is seen within about a second here.
    await waitFor(
      async () => {
        const lease = await leaseOf(client, key);
        return registration.registered && lease !== undefined && lease !== firstLease;
      },
      8000,
      'the key to come back on a new lease',
    );
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ code: DiscoveryErrorCodes.LEASE_LOST, retriable: true });
    expect(registration.registered).toBe(true);
    expect(JSON.parse((await client.get(key).string()) ?? 'null')).toEqual(record);
  });

  it('keeps the key alive past its TTL through keepalives', async () => {
    const registration = register(1);
    await registration.start();
    const key = serviceKey(record.name, record.instanceId, prefix);
    const lease = await leaseOf(client, key);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // > 2 × TTL: only keepalives keep it
    expect(await leaseOf(client, key)).toBe(lease);
  });
});
