import type { Etcd3 } from 'etcd3';
import { claimKey, PartitionClaim } from '../../src';
import { leaseOf, newClient, randomPrefix, revokeLease, testLogger, waitFor } from './support/etcd-test.helpers';

describe('PartitionClaim against etcd', () => {
  let client: Etcd3;
  let prefix: string;
  const claims: PartitionClaim[] = [];

  function claim(owner: string, partitions = 3): PartitionClaim {
    const c = new PartitionClaim({ client, prefix, partitions, owner, ttlSeconds: 3, logger: testLogger(), maxBackoffMs: 200 });
    claims.push(c);
    return c;
  }

  beforeEach(() => {
    client = newClient();
    prefix = `${randomPrefix()}reply-partitions/`;
  });
  afterEach(async () => {
    await Promise.all(claims.splice(0).map((c) => c.close()));
    client.close();
  });

  it('gives every claimant a partition of its own, and makes a further one wait until one is free', async () => {
    const held = await Promise.all(['a', 'b', 'c'].map((owner) => claim(owner).start()));
    expect([...held].sort()).toEqual([0, 1, 2]);
    for (const [i, owner] of ['a', 'b', 'c'].entries()) {
      expect(await client.get(claimKey(prefix, held[i] as number)).string()).toBe(owner);
    }

    const late = claim('d');
    const waiting = late.start(10_000);
    await claims[1]?.close();
    expect(await waiting).toBe(held[1]);
  });

  it('claims again after its lease is lost, and tells so', async () => {
    const c = claim('a', 1);
    const partition = await c.start();
    const events: string[] = [];
    c.on('lost', () => events.push('lost'));
    c.on('claimed', (p: number) => events.push(`claimed:${p}`));
    const lease = await leaseOf(client, claimKey(prefix, partition));
    await revokeLease(client, lease as string);
    await waitFor(() => events.includes(`claimed:${partition}`), 10_000, 'the partition claimed again');
    expect(events).toEqual(['lost', `claimed:${partition}`]);
    expect(c.partition).toBe(partition);
  });
});
