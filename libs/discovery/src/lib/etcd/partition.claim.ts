import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { LeaseHolder } from './lease.holder';
import type { LeaseWrite } from './lease.ports';
import { LeaseOptions, resolveLeaseOptions } from './lease.settings';

/** Options of {@link PartitionClaim}; the lease settings ({@link LeaseOptions}) are the same as a registration's. */
export interface PartitionClaimOptions extends LeaseOptions {
  /** Key prefix of the claims, e.g. `/ops/reply-partitions/ops.resp/`; one key per partition below it. */
  prefix: string;
  /** How many partitions there are to claim (0 … partitions-1). */
  partitions: number;
  /** Who claims: written as the value, for operators. */
  owner: string;
}

/** The key of partition `partition`'s claim under `prefix`. */
export function claimKey(prefix: string, partition: number): string {
  return `${prefix}${partition}`;
}

/**
 * Holds exactly one partition of a topic for this process, through an etcd key created only if
 * absent and bound to a lease kept alive by a {@link LeaseHolder}: no two live processes hold the
 * same partition, and the partition of a process that died is free again once its lease runs out.
 * While every partition is taken it looks again with the lease's backoff. When the lease is lost,
 * the claim is made again (the same partition if it is still free) and `claimed` is emitted.
 * Emits `lost` when the held partition is lost. start()/close() are idempotent.
 */
export class PartitionClaim extends EventEmitter {
  private readonly log: Logger;
  private readonly holder: LeaseHolder<number>;
  private readonly first: number;

  constructor(private readonly options: PartitionClaimOptions) {
    super();
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `partitions must be a positive integer, got ${options.partitions}`, {
        context: { setting: 'partitions' },
      });
    const settings = resolveLeaseOptions(options);
    this.log = options.logger.child({ component: 'discovery.partition-claim', prefix: options.prefix });
    // Start looking at a different partition per owner, so instances starting together rarely collide.
    this.first = [...options.owner].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % options.partitions;
    this.holder = new LeaseHolder(
      options.client,
      settings,
      {
        what: 'claim',
        where: options.prefix,
        write: (lease) => this.claimFree(lease),
        held: (partition) => {
          this.log.info({ partition, owner: options.owner }, 'partition claimed');
          this.emit('claimed', partition);
        },
        lost: (partition, err) => {
          this.log.warn({ err, partition }, 'claim lost; claiming again');
          this.emit('lost', partition);
        },
      },
      this.log,
    );
  }

  /** The partition held now, if any. */
  get partition(): number | undefined {
    return this.holder.value;
  }

  /** Resolves with the partition once one is held (waits while all are taken), or rejects after `timeoutMs` or at close(). */
  async start(timeoutMs = 60_000): Promise<number> {
    this.holder.start();
    await this.holder.settled(timeoutMs);
    const held = this.holder.value;
    const refusal = this.holder.refusal;
    if (held === undefined && refusal && !this.holder.closing) {
      throw refusal;
    }
    if (held === undefined) {
      const { partitions, prefix } = this.options;
      const why = this.holder.closing ? 'ended by close()' : `did not finish within ${timeoutMs} ms`;
      const last = this.holder.lastError;
      // Every partition taken is its own case (an operator runs more ops instances than ops.resp has partitions).
      const code = last instanceof DiscoveryError ? last.code : DiscoveryErrorCodes.ETCD_UNAVAILABLE;
      const message =
        code === DiscoveryErrorCodes.NO_FREE_PARTITION && !this.holder.closing
          ? `all ${partitions} partitions under ${prefix} are claimed by other instances (no free one within ${timeoutMs} ms): run at most as many instances as the topic has partitions`
          : `claiming one of ${partitions} partitions under ${prefix} ${why}`;
      throw new DiscoveryError(code, message, {
        cause: last,
        context: { key: prefix },
      });
    }
    return held;
  }

  /** Gives the partition up (revokes the lease, deleting the claim). Never throws. */
  close(): Promise<void> {
    return this.holder.close();
  }

  /** Creates the claim of the first free partition under the lease, in a transaction that fails if the key exists. */
  private async claimFree({ leaseId, call }: LeaseWrite): Promise<number> {
    const { client, prefix, partitions, owner } = this.options;
    for (let i = 0; i < partitions; i++) {
      const partition = (this.first + i) % partitions;
      const key = claimKey(prefix, partition);
      const txn = client.if(key, 'Create', '==', 0).then(client.put(key).value(owner).lease(leaseId));
      if ((await call('claim transaction', (options) => txn.options(options).commit())).succeeded) {
        return partition;
      }
    }
    throw new DiscoveryError(
      DiscoveryErrorCodes.NO_FREE_PARTITION,
      'every partition is claimed by another instance; waiting for one to be free',
    );
  }
}
