import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { SERVICES_PREFIX, serviceKey } from '../keys/service-key';
import { checkRecordShape, type ServiceRecord } from '../records/service-record';
import { LeaseHolder } from './lease.holder';
import type { LeaseWrite } from './lease.ports';
import { RegistrationOptions, RegistrationSettings, resolveRegistrationOptions } from './registration.options';

/**
 * Keeps one instance registered under `<prefix><name>/<instanceId>` on a kept-alive lease (a {@link LeaseHolder}):
 * when the lease is lost a new one is granted and the key written again, retrying with capped backoff until it
 * succeeds or close() is called. The key is this instance's own, so every write overwrites it.
 */
export class ServiceRegistration extends EventEmitter {
  private readonly client: Etcd3;
  private readonly settings: RegistrationSettings;
  private readonly key: string;
  private readonly record: ServiceRecord;
  /** Fields added to the record since it was first written (`draining`, the partitions held …). */
  private added: Record<string, unknown> = {};
  private value: string;
  private readonly log: Logger;
  private readonly holder: LeaseHolder<string>;

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
    this.holder = new LeaseHolder(
      this.client,
      this.settings,
      {
        what: 'registration',
        where: this.key,
        write: (lease) => this.put(lease),
        held: () => this.onRegistered(),
        lost: (_key, cause) => this.onLeaseLost(cause),
        released: () => this.log.info({ key: this.key }, 'deregistered'),
      },
      this.log,
    );
  }

  /** True while the key is written under a lease this instance still holds. */
  get registered(): boolean {
    return this.holder.value !== undefined;
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
   * DiscoveryError ACCESS_DENIED as soon as etcd refuses the login or the key, or ETCD_UNAVAILABLE after
   * `startTimeoutMs`, while attempts go on in the background until close().
   */
  async start(): Promise<void> {
    this.holder.start();
    const settled = await this.holder.settled(this.settings.startTimeoutMs);
    const refusal = this.holder.refusal;
    if (refusal && !this.registered && !this.holder.closing) {
      throw refusal;
    }
    if (!settled) {
      throw new DiscoveryError(
        DiscoveryErrorCodes.ETCD_UNAVAILABLE,
        `could not register ${this.key} within ${this.settings.startTimeoutMs} ms; still trying`,
        { cause: this.holder.lastError, context: { key: this.key } },
      );
    }
  }

  /**
   * Rewrites the record with `draining: true` on the same lease: ops stops sending this instance new
   * work but keeps waiting for what it holds (the key, and so the service, is still there). Call it
   * first on SIGTERM, then drain, then close(). Never throws; a failure is logged.
   */
  async drain(): Promise<void> {
    if (await this.annotate({ draining: true }, 'draining')) this.log.info({ key: this.key }, 'draining');
  }

  /**
   * Rewrites the record with `fields` added (or replaced) on the same lease — what an operator
   * sees of this instance, such as the partitions it consumes. The fields the record was built with
   * win over added ones of the same name. True once written; never throws: a failure is logged, and
   * the fields go with the record the next time it is written (after a lease loss).
   */
  async annotate(fields: Record<string, unknown>, what = 'annotation'): Promise<boolean> {
    // Set even when no lease is held now, so that a registration written later carries them.
    this.added = { ...this.added, ...fields };
    this.value = JSON.stringify({ ...this.added, ...this.record });
    try {
      return await this.holder.update((lease) => this.put(lease, `${what} put`));
    } catch (err: unknown) {
      this.log.warn({ err, key: this.key, fields: Object.keys(fields) }, `could not write the registration's ${what}`);
      return false;
    }
  }

  /** Stops re-registering and revokes the lease (deleting the key) within `closeTimeoutMs`; idempotent, never throws. */
  close(): Promise<void> {
    return this.holder.close();
  }

  /** Writes the record under `lease`, replacing whatever the key held. */
  private async put({ leaseId, call }: LeaseWrite, what = 'registration put'): Promise<string> {
    await call(what, (options) => this.client.put(this.key).value(this.value).lease(leaseId).options(options).exec());
    return this.key;
  }

  private onRegistered(): void {
    this.log.info({ key: this.key, ttlSeconds: this.settings.ttlSeconds }, 'registered');
    this.emit('registered', this.key);
  }

  private onLeaseLost(cause: unknown): void {
    const error = new DiscoveryError(DiscoveryErrorCodes.LEASE_LOST, `lease of ${this.key} lost; registering again`, {
      cause,
      context: { key: this.key },
    });
    this.log.warn({ err: error }, 'lease-lost');
    this.emit('lease-lost', error);
  }
}
