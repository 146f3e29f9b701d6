import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { SERVICES_PREFIX, normalizePrefix } from '../keys/service-key';
import { backoffDelay } from '../util/backoff';
import { Waiters } from '../util/waiters';
import { withTimeout } from '../util/with-timeout';
import { accessDenied } from './access-denied';
import { CatalogSyncOptions, CatalogSyncSettings, resolveCatalogSyncOptions } from './catalog-sync.options';
import { CatalogWriter } from './catalog.writer';

/**
 * Mirrors the `<prefix>` keys of etcd into a ServiceCatalog: a full read, then a watch from the next revision, and a
 * periodic full read that heals missed events; while etcd is away it keeps serving the last catalog.
 */
export class CatalogSync {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly settings: CatalogSyncSettings;
  private readonly log: Logger;
  private readonly writer: CatalogWriter;
  private readonly waiters = new Waiters();
  private watcher: Watcher | undefined;
  private watchUp = false;
  private everLoaded = false;
  private inSyncAt: number | undefined;
  private reading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** The latest full read was refused by etcd (ACCESS_DENIED, in lastError). */
  private refused = false;
  private running = false;
  private closePromise: Promise<void> | undefined;
  private closing = false;
  private lastError: unknown;

  /** Checks the options up front; throws a DiscoveryError (INVALID_OPTIONS) naming a bad setting. */
  constructor(opts: CatalogSyncOptions) {
    this.settings = resolveCatalogSyncOptions(opts);
    this.client = opts.client;
    this.prefix = normalizePrefix(opts.prefix ?? SERVICES_PREFIX);
    this.log = opts.logger.child({ component: 'discovery.catalog-sync', prefix: this.prefix });
    this.writer = new CatalogWriter(opts.catalog, this.prefix, this.log);
  }

  /** True once a full read has succeeded at least once. */
  get loaded(): boolean {
    return this.everLoaded;
  }

  /** True while the watch stream is established, so the catalog follows etcd in real time. */
  get connected(): boolean {
    return this.watchUp && !this.closing;
  }

  /** Seconds since the catalog was last known to equal etcd: 0 while the watch is up, Infinity before the first read. */
  stalenessSeconds(): number {
    if (this.connected && this.everLoaded) {
      return 0;
    }
    return this.inSyncAt === undefined ? Number.POSITIVE_INFINITY : (Date.now() - this.inSyncAt) / 1000;
  }

  /**
   * Resolves after the first full read (at once if done, or when close() comes first); rejects with a
   * DiscoveryError ACCESS_DENIED as soon as etcd refuses the login or the read, or ETCD_UNAVAILABLE after
   * `startTimeoutMs`, while reads go on in the background until close().
   */
  async start(): Promise<void> {
    if (this.closing || this.everLoaded) {
      return;
    }
    if (!this.running) {
      this.running = true;
      void this.cycle();
    }
    const settled = await this.waiters.wait(this.settings.startTimeoutMs, () => this.everLoaded || this.closing || this.refused);
    if (this.refused && !this.everLoaded && !this.closing && this.lastError instanceof DiscoveryError) {
      throw this.lastError;
    }
    if (!settled) {
      throw new DiscoveryError(
        DiscoveryErrorCodes.ETCD_UNAVAILABLE,
        `could not read ${this.prefix} from etcd within ${this.settings.startTimeoutMs} ms; still trying`,
        { cause: this.lastError },
      );
    }
  }

  /** Stops reading and watching (the catalog keeps its last state); idempotent, never throws. */
  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.waiters.wakeAll();
    const watcher = this.watcher;
    this.watcher = undefined;
    this.watchUp = false;
    if (watcher) {
      await withTimeout(watcher.cancel(), this.settings.callTimeoutMs, 'watch cancel').catch((err: unknown) =>
        this.log.warn({ err }, 'watch cancel did not finish; dropping it'),
      );
    }
    this.log.info('catalog sync closed');
  }

  /** One full read, then the next one scheduled: the resync interval after a success, a capped backoff after a failure. */
  private async cycle(): Promise<void> {
    let delayMs = this.settings.resyncIntervalMs;
    try {
      await this.read();
      this.failures = 0;
      this.refused = false;
    } catch (err: unknown) {
      this.failures += 1;
      const refusal = accessDenied(err, 'read', this.prefix);
      this.refused = refusal !== undefined;
      this.lastError = refusal ?? err;
      if (refusal) this.waiters.wakeAll();
      delayMs = backoffDelay(this.failures, { initialMs: 250, maxMs: Math.min(2_000, this.settings.resyncIntervalMs) });
      const level = this.failures === 1 ? 'warn' : 'debug'; // one warning per outage
      this.log[level]({ err, failures: this.failures, delayMs }, 'full read of the catalog failed; serving the last one');
    }
    clearTimeout(this.timer);
    if (!this.closing) {
      this.timer = setTimeout(() => void this.cycle(), delayMs);
      this.timer.unref();
    }
  }

  private read(): Promise<void> {
    this.reading ??= this.fullRead().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async fullRead(): Promise<void> {
    this.writer.holdEvents();
    try {
      const { callTimeoutMs } = this.settings;
      const request = this.client
        .getAll()
        .prefix(this.prefix)
        .options({ deadline: Date.now() + callTimeoutMs })
        .exec();
      const response = await withTimeout(request, callTimeoutMs + 1000, 'full read');
      if (this.closing) {
        return;
      }
      const revision = BigInt(response.header.revision);
      this.writer.replaceAll(response.kvs, revision);
      this.inSyncAt = Date.now();
      if (!this.everLoaded) {
        this.everLoaded = true;
        this.log.info({ keys: response.kvs.length, revision: String(revision) }, 'catalog loaded');
        this.waiters.wakeAll();
      }
      this.ensureWatch(revision);
    } finally {
      this.writer.releaseEvents();
    }
  }

  /** (Re)creates the watch from `revision + 1` unless the current one is established. */
  private ensureWatch(revision: bigint): void {
    if (this.watcher && this.watchUp) {
      return;
    }
    const old = this.watcher;
    if (old) {
      // etcd3 re-opens a broken watch by itself, but only after its backoff: a fresh one starts at once.
      void old.cancel().catch((err: unknown) => this.log.debug({ err }, 'cancelling the old watch failed'));
    }
    const watcher = this.client
      .watch()
      .prefix(this.prefix)
      .startRevision(String(revision + 1n))
      .watcher();
    this.watcher = watcher;
    let connects = 0;
    const current = (): boolean => this.watcher === watcher && !this.closing;
    watcher
      .on('connected', () => current() && this.onWatchConnected((connects += 1) > 1))
      .on('disconnected', (err) => current() && this.onWatchDown(err, false))
      .on('error', (err) => current() && this.onWatchDown(err, true))
      .on('put', (kv) => current() && this.writer.onEvent({ type: 'put', kv }))
      .on('delete', (kv) => current() && this.writer.onEvent({ type: 'delete', kv }));
  }

  private onWatchConnected(reconnected: boolean): void {
    this.watchUp = true;
    this.log.info({ reconnected }, 'watch established');
    if (reconnected) {
      void this.cycle(); // etcd is back: a full read heals whatever the resumed watch cannot replay
    }
  }

  private onWatchDown(err: unknown, fatal: boolean): void {
    const wasUp = this.watchUp;
    if (wasUp) {
      this.inSyncAt = Date.now();
    }
    this.watchUp = false;
    // etcd3 reports every failed reconnect attempt too: warn once per outage.
    this.log[wasUp || fatal ? 'warn' : 'debug']({ err }, fatal ? 'watch cancelled by etcd; re-reading' : 'watch disconnected');
    if (fatal) {
      this.watcher = undefined; // etcd already dropped it (e.g. a compacted start revision)
      void this.cycle();
    }
  }
}
