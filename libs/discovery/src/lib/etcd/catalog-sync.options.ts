import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { ServiceCatalog } from '../catalog/service-catalog';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';

/** Options of a CatalogSync; only `client`, `catalog` and `logger` are required. */
export interface CatalogSyncOptions {
  client: Etcd3;
  catalog: ServiceCatalog;
  /** Key prefix, default `/services/`. */
  prefix?: string;
  /** Period of the healing full read; default 30000. */
  resyncIntervalMs?: number;
  logger: Logger;
  /** How long start() waits for the first full read before rejecting; default 10000. */
  startTimeoutMs?: number;
  /** Time limit of each full read, and of cancelling the watch in close(); default 5000. */
  callTimeoutMs?: number;
}

/** The numeric settings of a CatalogSync with their defaults applied. */
export interface CatalogSyncSettings {
  resyncIntervalMs: number;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/** Applies the defaults and checks every setting; throws a DiscoveryError (INVALID_OPTIONS) naming the bad one. */
export function resolveCatalogSyncOptions(opts: CatalogSyncOptions): CatalogSyncSettings {
  const settings: CatalogSyncSettings = {
    resyncIntervalMs: opts.resyncIntervalMs ?? 30_000,
    startTimeoutMs: opts.startTimeoutMs ?? 10_000,
    callTimeoutMs: opts.callTimeoutMs ?? 5_000,
  };
  const bad = (Object.keys(settings) as (keyof CatalogSyncSettings)[]).find((key) => !Number.isFinite(settings[key]) || settings[key] <= 0);
  const setting =
    bad ??
    (typeof opts.client?.getAll !== 'function'
      ? 'client'
      : !(opts.catalog instanceof ServiceCatalog)
        ? 'catalog'
        : typeof opts.logger?.child !== 'function'
          ? 'logger'
          : undefined);
  if (setting) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `CatalogSync option ${setting} is missing or invalid`, {
      context: { setting },
    });
  }
  return settings;
}
