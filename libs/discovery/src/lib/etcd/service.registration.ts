import { EventEmitter } from 'node:events';
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { SERVICES_PREFIX, serviceKey } from '../keys/service-key';
import { checkRecordShape, type ServiceRecord } from '../records/service-record';
import { backoffDelay } from '../util/backoff';
import { Sleeper } from '../util/sleeper';
import { Waiters } from '../util/waiters';
import { withTimeout } from '../util/with-timeout';
import { RegistrationOptions, resolveRegistrationOptions } from './registration.options';

/**
 * Keeps one instance registered under `<prefix><name>/<instanceId>` on a kept-alive lease; when the lease is lost
 * it grants a new one and writes the key again, retrying with capped backoff until it succeeds or close() is called.
 */
export class ServiceRegistration extends EventEmitter {
  private readonly client: Etcd3;
  private readonly settings: ReturnType<typeof resolveRegistrationOptions>;
  private readonly key: string;
  private readonly record: ServiceRecord;
  private value: string;
  private readonly log: Logger;
  private readonly sleeper = new Sleeper();
  private readonly waiters = new Waiters();
  private activeLease: Lease | undefined;
  private loop: Promise<void> | undefined;
  private closePromise: Promise<void> | undefined;
  private closing = false;
  private lastError: unknown;

  /** Checks the options up front; throws a DiscoveryError (INVALID_RECORD or INVALID_OPTIONS) when they are wrong. */
  constructor(opts: RegistrationOptions) {
    super();
    this.settings = resolveRegistrationOptions(opts);
    this.client = opts.client;
    const prefix = opts.prefix ?? SERVICES_PREFIX;
    const check = checkRecordShape(`${prefix}${String(opts.record.name)}/${String(opts.record.instanceId)}`, opts.record);
    if (!check.ok) {
      throw check.error;
    }
    this.key = serviceKey(opts.record.name, opts.record.instanceId, prefix);
    this.record = opts.record;
    this.value = JSON.stringify(opts.record);
    this.log = opts.logger.child({
      component: 'discovery.registration',
      service: opts.record.name,
      instanceId: opts.record.instanceId,
    });
  }

  /** True while the key is written under a lease this instance still holds. */
  get registered(): boolean {
    return this.activeLease !== undefined;
  }

  /** Subscribes to `registered` (the key is written, again after every lease loss). */
  override on(event: 'registered', listener: (key: string) => void): this;
  /** Subscribes to `lease-lost` (a DiscoveryError LEASE_LOST; re-registration is already under way). */
  override on(event: 'lease-lost', listener: (error: DiscoveryError) => void): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /**
   * Resolves once the key is written (at once if it already is, or when close() is called first); rejects with a
   * DiscoveryError (ETCD_UNAVAILABLE) after `startTimeoutMs`, while attempts go on in the background until close().
   */
  async start(): Promise<void> {
    if (this.closing || this.registered) {
      return;
    }
    this.ensureLoop();
    if (!(await this.waiters.wait(this.settings.startTimeoutMs, () => this.registered || this.closing))) {
      throw new DiscoveryError(
        DiscoveryErrorCodes.ETCD_UNAVAILABLE,
        `could not register ${this.key} within ${this.settings.startTimeoutMs} ms; still trying`,
        { cause: this.lastError, context: { key: this.key } },
      );
    }
  }

  /**
   * Rewrites the record with `draining: true` on the same lease: ops stops sending this instance new
   * work but keeps waiting for what it holds (the key, and so the service, is still there). Call it
   * first on SIGTERM, then drain, then close(). Never throws; a failure is logged.
   */
  async drain(): Promise<void> {
    this.value = JSON.stringify({ ...this.record, draining: true });
    const lease = this.activeLease;
    if (!lease || this.closing) return;
    try {
      await this.writeKey(lease, 'draining put');
      this.log.info({ key: this.key }, 'draining');
    } catch (err: unknown) {
      this.log.warn({ err, key: this.key }, 'could not mark the registration as draining');
    }
  }

  /** Stops re-registering and revokes the lease (deleting the key) within `closeTimeoutMs`; idempotent, never throws. */
  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.sleeper.wake();
    this.waiters.wakeAll();
    if (this.loop) {
      await withTimeout(this.loop, this.settings.closeTimeoutMs, 'registration attempt').catch((err: unknown) =>
        this.log.warn({ err }, 'registration attempt still running at close; its lease will be revoked when it ends'),
      );
    }
    const lease = this.activeLease;
    this.activeLease = undefined;
    if (lease) {
      await this.revokeQuietly(lease);
    }
  }

  private ensureLoop(): void {
    if (this.loop || this.closing) {
      return;
    }
    this.loop = this.registerUntilDone().finally(() => {
      this.loop = undefined;
    });
  }

  private async registerUntilDone(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt += 1) {
      if (await this.registerOnce()) {
        return;
      }
      const delayMs = backoffDelay(attempt, { initialMs: 200, maxMs: this.settings.maxBackoffMs });
      // One warning per outage; the retries that follow go to debug.
      this.log[attempt === 1 ? 'warn' : 'debug']({ err: this.lastError, attempt, delayMs }, 'registration failed; retrying');
      await this.sleeper.sleep(delayMs);
    }
  }

  /** One attempt on a fresh lease; true when the loop is done (registered, or closing). */
  private async registerOnce(): Promise<boolean> {
    const { ttlSeconds, callTimeoutMs } = this.settings;
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: true, deadline: Date.now() + callTimeoutMs });
    lease.on('lost', (err) => this.onLeaseLost(lease, err));
    try {
      await this.writeKey(lease, 'registration put');
    } catch (err: unknown) {
      // Stop keepalives; if the grant went through, the lease (and a key written anyway) expires with its TTL.
      lease.release();
      this.lastError = err;
      return false;
    }
    if (this.closing) {
      await this.revokeQuietly(lease);
      return true;
    }
    if (lease.revoked()) {
      this.lastError = new DiscoveryError(DiscoveryErrorCodes.LEASE_LOST, 'lease lost right after the key was written', {
        context: { key: this.key },
      });
      return false;
    }
    this.activeLease = lease;
    this.log.info({ key: this.key, ttlSeconds }, 'registered');
    this.safeEmit('registered', this.key);
    this.waiters.wakeAll();
    return true;
  }

  /** Writes the record under `lease`, within the call time limit. */
  private async writeKey(lease: Lease, what: string): Promise<void> {
    const { callTimeoutMs } = this.settings;
    const put = lease
      .put(this.key)
      .value(this.value)
      .options({ deadline: Date.now() + callTimeoutMs })
      .exec();
    await withTimeout(put, callTimeoutMs + 1000, what);
  }

  private onLeaseLost(lease: Lease, err: unknown): void {
    if (lease !== this.activeLease || this.closing) {
      return; // a failed attempt's lease, or close() is revoking it: the loop or close() owns it
    }
    this.activeLease = undefined;
    const error = new DiscoveryError(DiscoveryErrorCodes.LEASE_LOST, `lease of ${this.key} lost; registering again`, {
      cause: err,
      context: { key: this.key },
    });
    this.log.warn({ err: error }, 'lease-lost');
    this.safeEmit('lease-lost', error);
    this.ensureLoop();
  }

  private async revokeQuietly(lease: Lease): Promise<void> {
    const ms = this.settings.closeTimeoutMs;
    try {
      await withTimeout(lease.revoke({ deadline: Date.now() + ms }), ms + 500, 'lease revoke');
      this.log.info({ key: this.key }, 'deregistered');
    } catch (err: unknown) {
      lease.release();
      this.log.warn({ err, key: this.key }, 'could not revoke the lease; the key will expire with its TTL');
    }
  }

  private safeEmit(event: 'registered' | 'lease-lost', arg: string | DiscoveryError): void {
    try {
      this.emit(event, arg);
    } catch (err: unknown) {
      this.log.error({ err, event }, 'a registration listener threw');
    }
  }
}
