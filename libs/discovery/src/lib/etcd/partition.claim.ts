import { EventEmitter } from 'node:events';
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { Sleeper } from '../util/sleeper';
import { withTimeLimit, withTimeout } from '../util/with-timeout';

/** Options of {@link PartitionClaim}. */
export interface PartitionClaimOptions {
  client: Etcd3;
  /** Key prefix of the claims, e.g. `/ops/reply-partitions/ops.resp/`; one key per partition below it. */
  prefix: string;
  /** How many partitions there are to claim (0 … partitions-1). */
  partitions: number;
  /** Who claims: written as the value, for operators. */
  owner: string;
  ttlSeconds: number;
  logger: Logger;
  /** How often to look again when every partition is taken (default 1000 ms). */
  retryMs?: number;
}

/** The key of partition `partition`'s claim under `prefix`. */
export function claimKey(prefix: string, partition: number): string {
  return `${prefix}${partition}`;
}

/**
 * Holds exactly one partition of a topic for this process, through an etcd key created only if
 * absent and bound to a lease it keeps alive: no two live processes hold the same partition, and
 * the partition of a process that died is free again once its lease runs out. When the lease is
 * lost, the claim is made again (the same partition if it is still free) and `claimed` is emitted.
 * Emits `lost` when the held partition is lost. start()/close() are idempotent. Throws and
 * rejects with DiscoveryErrors only.
 */
export class PartitionClaim extends EventEmitter {
  private held: number | undefined;
  private lease: Lease | undefined;
  private closing = false;
  private loop: Promise<void> | undefined;
  private readonly sleeper = new Sleeper();
  private readonly log: Logger;
  /** What the last attempt that found no partition saw: every one taken, or an etcd failure. */
  private lastFailure: { taken: true } | { taken: false; error: unknown } | undefined;

  constructor(private readonly options: PartitionClaimOptions) {
    super();
    if (!Number.isInteger(options.partitions) || options.partitions < 1) {
      throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `partitions must be a positive integer, got ${options.partitions}`, {
        context: { setting: 'partitions' },
      });
    }
    this.log = options.logger.child({ component: 'discovery.partition-claim', prefix: options.prefix });
  }

  /** The partition held now, if any. */
  get partition(): number | undefined {
    return this.held;
  }

  /**
   * Resolves with the partition once one is held (waits while all are taken). After `timeoutMs` it
   * rejects — `NO_FREE_PARTITION` when the last attempt found every partition claimed by others,
   * `ETCD_UNAVAILABLE` otherwise — while attempts go on in the background until close().
   */
  async start(timeoutMs = 60_000): Promise<number> {
    if (this.held !== undefined) return this.held;
    this.loop ??= this.claimUntilHeld();
    const claimed = new Promise<number>((resolve) => this.once('claimed', resolve));
    return withTimeLimit(claimed, timeoutMs, () => this.unclaimed(timeoutMs));
  }

  /** Gives the partition up (revokes the lease, deleting the claim). Never throws. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.sleeper.wake();
    await this.loop?.catch(() => undefined);
    const lease = this.lease;
    this.lease = undefined;
    this.held = undefined;
    if (lease)
      await withTimeout(lease.revoke(), 2000, 'claim revoke').catch((err: unknown) =>
        this.log.warn({ err }, 'could not revoke the claim; it expires with its TTL'),
      );
  }

  private async claimUntilHeld(): Promise<void> {
    const { partitions, owner } = this.options;
    // Start looking at a different partition per owner, so instances starting together rarely collide.
    const first = [...owner].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % partitions;
    for (let attempt = 1; !this.closing; attempt++) {
      try {
        const lease = this.options.client.lease(this.options.ttlSeconds, { autoKeepAlive: true });
        const leaseId = await withTimeout(lease.grant(), 5000, 'claim lease grant');
        for (let i = 0; i < partitions && !this.closing; i++) {
          const partition = (first + i) % partitions;
          const key = claimKey(this.options.prefix, partition);
          const txn = this.options.client
            .if(key, 'Create', '==', 0)
            .then(this.options.client.put(key).value(owner).lease(leaseId))
            .commit();
          if ((await withTimeout(txn, 5000, 'claim transaction')).succeeded) {
            this.hold(lease, partition);
            return;
          }
        }
        await lease.revoke().catch(() => undefined);
        this.lastFailure = { taken: true };
        if (attempt === 1) this.log.warn({ partitions }, 'every partition is claimed by another instance; waiting for one to be free');
      } catch (err: unknown) {
        this.lastFailure = { taken: false, error: err };
        this.log.warn({ err, attempt }, 'claim attempt failed; retrying');
      }
      await this.sleeper.sleep(this.options.retryMs ?? 1000);
    }
  }

  /** The error of a start() that ran out of time, from what the last attempt saw. */
  private unclaimed(timeoutMs: number): DiscoveryError {
    const { partitions, prefix } = this.options;
    if (this.lastFailure?.taken) {
      return new DiscoveryError(
        DiscoveryErrorCodes.NO_FREE_PARTITION,
        `every one of ${partitions} partitions under ${prefix} is claimed by another instance (waited ${timeoutMs} ms); still waiting`,
        { context: { key: prefix } },
      );
    }
    return new DiscoveryError(
      DiscoveryErrorCodes.ETCD_UNAVAILABLE,
      `could not claim one of ${partitions} partitions under ${prefix} within ${timeoutMs} ms; still trying`,
      { cause: this.lastFailure?.error, context: { key: prefix } },
    );
  }

  private hold(lease: Lease, partition: number): void {
    if (this.closing) {
      void lease.revoke().catch(() => undefined);
      return;
    }
    this.lease = lease;
    this.held = partition;
    lease.on('lost', (err: unknown) => {
      if (this.lease !== lease || this.closing) return;
      this.log.warn({ err, partition }, 'claim lost; claiming again');
      this.lease = undefined;
      this.held = undefined;
      this.emit('lost', partition);
      this.loop = this.claimUntilHeld();
    });
    this.log.info({ partition, owner: this.options.owner }, 'partition claimed');
    this.emit('claimed', partition);
  }
}
