import type { Etcd3 } from 'etcd3';
import { LeaseHolder } from '../../src/lib/etcd/lease.holder';
import type { LeaseWrite } from '../../src/lib/etcd/lease.ports';
import { LEASE_DEFAULTS } from '../../src/lib/etcd/lease.settings';
import { cleanUp, leaseOf, newClient, randomPrefix, testLogger, waitFor } from './support/etcd-test.helpers';

describe('LeaseHolder against etcd', () => {
  let client: Etcd3;
  let prefix: string;
  const holders: LeaseHolder<string>[] = [];
  const key = (): string => `${prefix}k`;
  let value = 'v';
  let written: string[] = [];

  /** Writes `value` at key() under the lease; the leases written under are kept in `written`. */
  async function put({ leaseId, call }: LeaseWrite): Promise<string> {
    await call('put', (options) => client.put(key()).value(value).lease(leaseId).options(options).exec());
    written.push(leaseId);
    return leaseId;
  }

  /** A holder whose first `failures` attempts fail after their write landed. */
  function holder(failures = 0): LeaseHolder<string> {
    const user = {
      what: 'test',
      where: key(),
      write: async (lease: LeaseWrite): Promise<string> => {
        const leaseId = await put(lease);
        if (failures-- > 0) throw new Error('failed after the write landed');
        return leaseId;
      },
      held: () => undefined,
      lost: () => undefined,
    };
    const settings = { ...LEASE_DEFAULTS, ttlSeconds: 5, initialBackoffMs: 300, maxBackoffMs: 300 };
    const h = new LeaseHolder(client, settings, user, testLogger());
    holders.push(h);
    return h;
  }

  beforeEach(() => {
    client = newClient();
    prefix = randomPrefix();
    value = 'v';
    written = [];
  });
  afterEach(() => cleanUp(client, prefix, holders));

  it('revokes the lease of a failed attempt at once, deleting what it wrote, and holds the next one', async () => {
    const h = holder(1);
    h.start();
    expect(await h.settled(5000)).toBe(true);
    const [failed, held] = written;
    expect(held).toBe(h.value);
    await waitFor(async () => Number((await client.leaseClient.leaseTimeToLive({ ID: failed ?? '0' })).TTL) === -1, 3000, 'the revoke');
    expect(await leaseOf(client, key())).toBe(held);
  });

  it('update() rewrites under the same lease, and close() deletes the key', async () => {
    const h = holder();
    h.start();
    expect(await h.settled(5000)).toBe(true);
    value = 'second';
    expect(await h.update(put)).toBe(true);
    expect(await client.get(key()).string()).toBe('second');
    expect(await leaseOf(client, key())).toBe(h.value);
    await h.close();
    expect(await client.get(key()).string()).toBeNull();
  });
});
