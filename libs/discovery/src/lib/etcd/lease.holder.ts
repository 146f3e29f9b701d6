import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { backoffDelay } from '../util/backoff';
import { Sleeper } from '../util/sleeper';
import { Waiters } from '../util/waiters';
import { withTimeout } from '../util/with-timeout';
import { accessDenied } from './access-denied';
import type { GrantedLease, LeaseCallOptions, LeaseGranter, LeaseUser, LeaseWrite } from './lease.ports';
import type { LeaseSettings } from './lease.settings';

interface Holding<T> {
  lease: GrantedLease;
  leaseId: string;
  value: T;
}

/**
 * Holds key(s) in etcd on a lease it keeps alive: grants a lease with the TTL, has its user write under it, and when
 * the lease is lost grants a new one and has the user write again, retrying after a failure with capped exponential
 * backoff (the settings) until it succeeds or close() is called; close() revokes the lease, deleting the keys. What
 * is written, and whether it must be absent first, is the user's: a registration overwrites its own key, a
 * partition claim wins only a free partition.
 */
export class LeaseHolder<T> {
  private readonly sleeper = new Sleeper();
  private readonly waiters = new Waiters();
  private holding: Holding<T> | undefined;
  private loop: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  // Set first thing in close(), before anything it wakes looks at it.
  private isClosing = false;
  private lastFailure: unknown;
  private refused: DiscoveryError | undefined;

  constructor(
    private readonly client: LeaseGranter,
    private readonly settings: LeaseSettings,
    private readonly user: LeaseUser<T>,
    private readonly log: Logger,
  ) {}

  /** What is held now (what the user's write resolved with), or undefined while no live lease holds it. */
  get value(): T | undefined {
    return this.holding?.value;
  }

  /** True once close() has been called. */
  get closing(): boolean {
    return this.isClosing;
  }

  /** Why the latest attempt failed. */
  get lastError(): unknown {
    return this.lastFailure;
  }

  /**
   * etcd's refusal of the latest attempt (ACCESS_DENIED: the login, or the key outside the user's
   * roles), until an attempt succeeds. The attempts go on, in case the roles are changed.
   */
  get refusal(): DiscoveryError | undefined {
    return this.refused;
  }

  /** Starts the attempts, unless they run already, something is held, or close() was called. */
  start(): void {
    if (this.loop || this.holding || this.isClosing) {
      return;
    }
    const loop = this.attemptUntilDone().finally(() => {
      if (this.loop === loop) this.loop = undefined;
    });
    this.loop = loop;
  }

  /**
   * Resolves true once something is held, etcd refused the attempt ({@link refusal}) or close() is
   * called; false when `timeoutMs` passes first.
   */
  async settled(timeoutMs: number): Promise<boolean> {
    const done = (): boolean => this.holding !== undefined || this.isClosing || this.refused !== undefined;
    return done() || this.waiters.wait(timeoutMs, done);
  }

  /**
   * Runs `write` under the lease held now (to write a changed value, say); false when none is held or close() was
   * called. Throws what `write` throws.
   */
  async update(write: (lease: LeaseWrite) => Promise<unknown>): Promise<boolean> {
    const holding = this.holding;
    if (!holding || this.isClosing) {
      return false;
    }
    await write(this.writeUnder(holding.leaseId));
    return true;
  }

  /** Stops the attempts and revokes the lease (deleting the keys) within closeTimeoutMs; idempotent, never throws. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.isClosing = true;
    this.sleeper.wake();
    this.waiters.wakeAll();
    const { what } = this.user;
    if (this.loop) {
      await withTimeout(this.loop, this.settings.closeTimeoutMs, `${what} attempt`).catch((err: unknown) =>
        this.log.warn({ err }, `${what} attempt still running at close; its lease will be revoked when it ends`),
      );
    }
    const holding = this.holding;
    this.holding = undefined;
    if (holding) {
      await this.release(holding);
    }
  }

  private async attemptUntilDone(): Promise<void> {
    const { initialBackoffMs: initialMs, maxBackoffMs: maxMs } = this.settings;
    for (let attempt = 1; !this.isClosing; attempt += 1) {
      if (await this.attempt()) {
        return;
      }
      const delayMs = backoffDelay(attempt, { initialMs, maxMs });
      // One warning per outage (an error if etcd refused it); the retries that follow go to debug.
      this.log[attempt === 1 ? (this.refused ? 'error' : 'warn') : 'debug'](
        { err: this.lastFailure, attempt, delayMs },
        `${this.user.what} failed; retrying`,
      );
      await this.sleeper.sleep(delayMs);
    }
  }

  /** One attempt on a fresh lease; true when the loop is done (something held, or closing). */
  private async attempt(): Promise<boolean> {
    const { ttlSeconds, callTimeoutMs } = this.settings;
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: true, deadline: Date.now() + callTimeoutMs });
    lease.on('lost', (err) => this.onLost(lease, err));
    let holding: Holding<T>;
    try {
      const leaseId = await withTimeout(lease.grant(), callTimeoutMs + 1000, 'lease grant');
      holding = { lease, leaseId, value: await this.user.write(this.writeUnder(leaseId)) };
      if (lease.revoked()) {
        throw new DiscoveryError(DiscoveryErrorCodes.LEASE_LOST, 'lease lost right after the key was written');
      }
    } catch (err: unknown) {
      this.refused = accessDenied(err, this.user.what, this.user.where);
      this.lastFailure = this.refused ?? err;
      if (this.refused) this.waiters.wakeAll();
      // Revoked rather than left to expire, so that whatever a write that timed out did write is gone at once.
      this.revoke(lease).catch(() => undefined);
      return false;
    }
    if (this.isClosing) {
      await this.release(holding); // close() did not wait for this attempt, or is past its revoke
      return true;
    }
    this.holding = holding;
    this.refused = undefined;
    // This loop is over from here on, before anyone is told: a loss seen by a listener starts a new one.
    this.loop = undefined;
    this.tell(() => this.user.held(holding.value));
    this.waiters.wakeAll();
    return true;
  }

  private writeUnder(leaseId: string): LeaseWrite {
    const { callTimeoutMs } = this.settings;
    return {
      leaseId,
      // The gRPC deadline ends the call; the extra second catches a client that does not honour it.
      call: <R>(what: string, run: (options: LeaseCallOptions) => Promise<R>): Promise<R> =>
        withTimeout(run({ deadline: Date.now() + callTimeoutMs }), callTimeoutMs + 1000, what),
    };
  }

  private onLost(lease: GrantedLease, cause: unknown): void {
    const holding = this.holding;
    if (holding?.lease !== lease || this.isClosing) {
      return; // a failed attempt's lease, or close() is revoking it: the attempt or close() owns it
    }
    this.holding = undefined;
    this.tell(() => this.user.lost(holding.value, cause));
    this.start();
  }

  /** Revokes the lease of what is held (deleting its keys) and tells the user; if etcd does not answer, the keys expire. */
  private async release(holding: Holding<T>): Promise<void> {
    try {
      await this.revoke(holding.lease);
    } catch (err: unknown) {
      this.log.warn({ err }, 'could not revoke the lease; the key will expire with its TTL');
      return;
    }
    this.tell(() => this.user.released?.(holding.value));
  }

  private async revoke(lease: GrantedLease): Promise<void> {
    const ms = this.settings.closeTimeoutMs;
    try {
      await withTimeout(lease.revoke({ deadline: Date.now() + ms }), ms + 500, 'lease revoke');
    } catch (err: unknown) {
      lease.release(); // no keepalives from now on: the lease, and its keys, expire with the TTL
      throw err;
    }
  }

  /** Runs a user callback; one that throws is logged, so that a listener's bug never stops the upkeep of the lease. */
  private tell(callback: () => void): void {
    try {
      callback();
    } catch (err: unknown) {
      this.log.error({ err }, `a ${this.user.what} listener threw`);
    }
  }
}
