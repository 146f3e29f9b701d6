import type { ILeaseOptions } from 'etcd3';

// The contract of a LeaseHolder with the client below it (what grants leases) and the user above it (what is written).

/** The part of an etcd3 Lease a LeaseHolder uses; an etcd3 Lease is one (unit tests pass a fake). */
export interface GrantedLease {
  /** Resolves with the lease id once etcd granted it. */
  grant(): Promise<string>;
  /** Stops the keepalives and revokes the lease, which deletes every key written under it. */
  revoke(options: LeaseCallOptions): Promise<void>;
  /** Stops the keepalives: the lease expires with its TTL. */
  release(): void;
  /** True once the lease is known to be gone. */
  revoked(): boolean;
  on(event: 'lost', handler: (err: Error) => void): unknown;
}

/** What grants leases: an etcd3 client. */
export interface LeaseGranter {
  lease(ttlSeconds: number, options: ILeaseOptions): GrantedLease;
}

/** The gRPC options of one etcd call: its deadline. */
export interface LeaseCallOptions {
  deadline: number;
}

/** What a write gets: the id of the lease to write under, and `call`, which keeps one etcd call within callTimeoutMs. */
export interface LeaseWrite {
  leaseId: string;
  call<R>(what: string, run: (options: LeaseCallOptions) => Promise<R>): Promise<R>;
}

/** What the user of a LeaseHolder writes under the lease, and what it is told. A callback that throws is logged. */
export interface LeaseUser<T> {
  /** Names the attempts in log lines: `registration` → 'registration failed; retrying'. */
  what: string;
  /** The key, or the prefix of the keys, it writes: named when etcd refuses the write. */
  where: string;
  /** Writes the key(s) under a fresh lease; resolves with what is now held, throws when the write failed or won nothing. */
  write(lease: LeaseWrite): Promise<T>;
  /** The key(s) are written under a live lease (again after every loss). */
  held(value: T): void;
  /** The lease holding `value` was lost; a new attempt is already under way. */
  lost(value: T, cause: unknown): void;
  /** close() revoked the lease holding `value`, which deleted its key(s). */
  released?(value: T): void;
}
