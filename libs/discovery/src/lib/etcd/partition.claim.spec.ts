import type { Etcd3 } from 'etcd3';
import pino from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { PartitionClaim } from './partition.claim';

const logger = pino({ level: 'silent' });

/** An etcd in which every claim key is held by another owner: leases are granted, every create is refused. */
function etcdWithEveryPartitionTaken(): Etcd3 {
  const lease = {
    grant: async () => 'lease-1',
    revoke: async () => undefined,
    on: () => lease,
    revoked: () => false,
    release: () => undefined,
  };
  const txn = { then: () => txn, options: () => txn, commit: async () => ({ succeeded: false }) };
  const put = { value: () => put, lease: () => put };
  return { lease: () => lease, if: () => txn, put: () => put } as unknown as Etcd3;
}

describe('PartitionClaim', () => {
  const client = etcdWithEveryPartitionTaken();

  it.each([0, -1, 1.5])('refuses %p partitions with INVALID_OPTIONS', (partitions) => {
    expect(() => new PartitionClaim({ client, prefix: '/p/', partitions, owner: 'a', ttlSeconds: 3, logger })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting: 'partitions' } }),
    );
  });

  it('start() rejects with NO_FREE_PARTITION, retriable, while every partition is claimed by others', async () => {
    const claim = new PartitionClaim({ client, prefix: '/p/', partitions: 2, owner: 'a', ttlSeconds: 3, logger, maxBackoffMs: 20 });
    const error = await claim.start(200).catch((e: unknown) => e);
    await claim.close();
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ code: DiscoveryErrorCodes.NO_FREE_PARTITION, retriable: true, context: { key: '/p/' } });
    expect((error as Error).message).toBe(
      'all 2 partitions under /p/ are claimed by other instances (no free one within 200 ms): run at most as many instances as the topic has partitions',
    );
  });
});
