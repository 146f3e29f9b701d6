import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';

/**
 * What every holder of a lease is given (ServiceRegistration and PartitionClaim alike): the client, a
 * logger, and the lease settings, each optional with a default. One set, so that both keep their keys
 * and retry after a failure by the same rule.
 */
export interface LeaseOptions {
  client: Etcd3;
  logger: Logger;
  /** Lease TTL in whole seconds (contract §5 default 10). */
  ttlSeconds?: number;
  /** Time limit of each grant and write; default 5000. */
  callTimeoutMs?: number;
  /** Time limit of the lease revoke in close(); default 2000. */
  closeTimeoutMs?: number;
  /** Delay after the first failed attempt; it doubles (±20 % jitter) with each further failure. Default 200. */
  initialBackoffMs?: number;
  /** Cap of the delay between attempts; default 2000. */
  maxBackoffMs?: number;
}

/** The lease settings with their defaults applied. */
export interface LeaseSettings {
  ttlSeconds: number;
  callTimeoutMs: number;
  closeTimeoutMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** The defaults of {@link LeaseOptions}. */
export const LEASE_DEFAULTS: Readonly<LeaseSettings> = {
  ttlSeconds: 10,
  callTimeoutMs: 5_000,
  closeTimeoutMs: 2_000,
  initialBackoffMs: 200,
  maxBackoffMs: 2_000,
};

/** Throws a DiscoveryError (INVALID_OPTIONS) naming `setting` unless `ok`. */
export function checkOption(ok: boolean, setting: string, message: string): void {
  if (!ok) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `${setting} ${message}`, { context: { setting } });
  }
}

/** Applies the defaults and checks every setting; throws a DiscoveryError (INVALID_OPTIONS) naming the bad one. */
export function resolveLeaseOptions(opts: LeaseOptions): LeaseSettings {
  const settings: LeaseSettings = {
    ttlSeconds: opts.ttlSeconds ?? LEASE_DEFAULTS.ttlSeconds,
    callTimeoutMs: opts.callTimeoutMs ?? LEASE_DEFAULTS.callTimeoutMs,
    closeTimeoutMs: opts.closeTimeoutMs ?? LEASE_DEFAULTS.closeTimeoutMs,
    initialBackoffMs: opts.initialBackoffMs ?? LEASE_DEFAULTS.initialBackoffMs,
    maxBackoffMs: opts.maxBackoffMs ?? LEASE_DEFAULTS.maxBackoffMs,
  };
  checkOption(Number.isInteger(settings.ttlSeconds) && settings.ttlSeconds >= 1, 'ttlSeconds', 'must be an integer ≥ 1');
  for (const setting of ['callTimeoutMs', 'closeTimeoutMs', 'initialBackoffMs', 'maxBackoffMs'] as const) {
    checkOption(Number.isFinite(settings[setting]) && settings[setting] > 0, setting, 'must be a positive number');
  }
  checkOption(typeof opts.client?.lease === 'function', 'client', 'must be an etcd3 client');
  checkOption(typeof opts.logger?.child === 'function', 'logger', 'must be a pino logger');
  return settings;
}
