import { EventEmitter } from 'node:events';
import type { GrantedLease, LeaseGranter } from '../etcd/lease.ports';

/**
 * An in-memory stand-in for etcd's leases, for unit tests of a LeaseHolder: every lease it grants is
 * recorded, and a test can make grants or revokes fail, or lose a lease as etcd would.
 */
export class FakeLeaseGranter implements LeaseGranter {
  readonly leases: FakeLease[] = [];
  /** How many of the next grants fail. */
  failGrants = 0;
  /** When true, every revoke fails (etcd does not answer). */
  failRevokes = false;

  lease(ttlSeconds: number): FakeLease {
    const failGrant = this.failGrants > 0;
    this.failGrants -= failGrant ? 1 : 0;
    const lease = new FakeLease(`lease-${this.leases.length + 1}`, ttlSeconds, failGrant, () => this.failRevokes);
    this.leases.push(lease);
    return lease;
  }
}

/** One lease of a {@link FakeLeaseGranter}. */
export class FakeLease extends EventEmitter implements GrantedLease {
  /** How it ended: revoked by its holder, released (left to expire), or lost. */
  ended: 'revoked' | 'released' | 'lost' | undefined;

  constructor(
    readonly id: string,
    readonly ttlSeconds: number,
    private readonly failGrant: boolean,
    private readonly failRevoke: () => boolean,
  ) {
    super();
  }

  grant(): Promise<string> {
    return this.failGrant ? Promise.reject(new Error('etcd unavailable')) : Promise.resolve(this.id);
  }

  async revoke(): Promise<void> {
    if (this.failRevoke()) {
      throw new Error('etcd unavailable');
    }
    this.ended ??= 'revoked';
  }

  release(): void {
    this.ended ??= 'released';
  }

  revoked(): boolean {
    return this.ended !== undefined;
  }

  /** What etcd3 does when a keepalive finds the lease gone. */
  lose(): void {
    this.ended ??= 'lost';
    this.emit('lost', new Error('lease expired'));
  }
}
