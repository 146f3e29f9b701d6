import type { Etcd3 } from 'etcd3';
import { CatalogSync, ServiceCatalog, ServiceRecord, ServiceRegistration, serviceKey } from '../../src';
import { newClient, putWithLease, randomPrefix, revokeLease, testLogger, waitFor } from './support/etcd-test.helpers';

function chain(name: string, instanceId: string): ServiceRecord {
  return { name, kind: 'chain', topic: `${name}.req`, instanceId };
}

describe('CatalogSync against etcd', () => {
  let client: Etcd3;
  let prefix: string;
  let catalog: ServiceCatalog;
  let events: string[];
  const closers: (() => Promise<void>)[] = [];

  function sync(resyncIntervalMs = 30_000): CatalogSync {
    const s = new CatalogSync({ client, catalog, prefix, resyncIntervalMs, logger: testLogger() });
    closers.push(() => s.close());
    return s;
  }
  const chainNames = (): string[] => catalog.chainServices().map((s) => s.name);

  beforeEach(() => {
    client = newClient();
    prefix = randomPrefix();
    catalog = new ServiceCatalog();
    events = [];
    catalog.on('service-up', (name) => events.push(`up:${name}`));
    catalog.on('service-down', (name) => events.push(`down:${name}`));
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await client.delete().prefix(prefix).exec();
    client.close();
  });

  it('loads what is already registered, ignoring invalid records, and is healthy', async () => {
    await putWithLease(client, serviceKey('chain1', 'a', prefix), chain('chain1', 'a'));
    await putWithLease(client, serviceKey('ops', 'g', prefix), { ...chain('ops', 'g'), kind: 'gateway' });
    await client
      .put(serviceKey('broken', 'x', prefix))
      .value('{not json')
      .exec();
    await client
      .put(serviceKey('liar', 'x', prefix))
      .value(JSON.stringify(chain('other', 'x')))
      .exec();
    const s = sync();
    await s.start();
    await s.start();
    expect(s.loaded).toBe(true);
    expect(chainNames()).toEqual(['chain1']);
    expect(catalog.snapshot().map((v) => v.name)).toEqual(['chain1', 'ops']);
    await waitFor(() => s.connected, 5000, 'the watch');
    expect(s.stalenessSeconds()).toBe(0);
  });

  it('sees a record put by hand with a lease, and its service-down when the lease is revoked', async () => {
    const s = sync();
    await s.start();
    await waitFor(() => s.connected, 5000, 'the watch');
    const leaseA = await putWithLease(client, serviceKey('chain9', 'a', prefix), chain('chain9', 'a'));
    await waitFor(() => chainNames().includes('chain9'), 5000, 'chain9 up');
    const leaseB = await putWithLease(client, serviceKey('chain9', 'b', prefix), chain('chain9', 'b'));
    await waitFor(() => catalog.get('chain9')?.instances.length === 2, 5000, 'the second instance');
    await revokeLease(client, leaseA);
    await waitFor(() => catalog.get('chain9')?.instances.length === 1, 5000, 'instance a gone');
    expect(events).toEqual(['up:chain9']);
    await revokeLease(client, leaseB);
    await waitFor(() => catalog.get('chain9') === undefined, 5000, 'chain9 down');
    expect(events).toEqual(['up:chain9', 'down:chain9']);
  });

  it('follows a ServiceRegistration from register to close', async () => {
    const s = sync();
    await s.start();
    const registration = new ServiceRegistration({ client, record: chain('chain2', 'r1'), prefix, logger: testLogger() });
    closers.push(() => registration.close());
    await registration.start();
    await waitFor(() => chainNames().includes('chain2'), 5000, 'chain2 up');
    await registration.close();
    await waitFor(() => catalog.get('chain2') === undefined, 5000, 'chain2 down');
    expect(events).toEqual(['up:chain2', 'down:chain2']);
  });

  it('heals a catalog that drifted from etcd with its periodic full read', async () => {
    await putWithLease(client, serviceKey('chain1', 'a', prefix), chain('chain1', 'a'));
    const s = sync(500);
    await s.start();
    // Simulate missed watch events: the in-memory catalog loses a live service and gains a phantom one.
    catalog.remove('chain1', 'a');
    catalog.upsert(chain('ghost', 'z'));
    expect(chainNames()).toEqual(['ghost']);
    await waitFor(() => chainNames().join() === 'chain1', 5000, 'the periodic read to heal the catalog');
    expect(events).toEqual(['up:chain1', 'down:chain1', 'up:ghost', 'down:ghost', 'up:chain1']);
  });

  it('applies every change of a burst in order', async () => {
    const s = sync(500);
    await s.start();
    const keys = Array.from({ length: 20 }, (_, i) => serviceKey(`burst${i % 5}`, `i${i}`, prefix));
    await Promise.all(
      keys.map((key, i) =>
        client
          .put(key)
          .value(JSON.stringify(chain(`burst${i % 5}`, `i${i}`)))
          .exec(),
      ),
    );
    await Promise.all(keys.filter((_, i) => i % 2 === 0).map((key) => client.delete().key(key).exec()));
    const expected = (await client.getAll().prefix(prefix).keys()).length;
    await waitFor(() => catalog.snapshot().reduce((n, v) => n + v.instances.length, 0) === expected, 5000, 'the catalog to match etcd');
    expect(expected).toBe(10);
  });
});
