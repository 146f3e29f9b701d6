import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { ServiceRecord } from '../records/service-record';

/** Options of a ServiceRegistration; only `client`, `record` and `logger` are required. */
export interface RegistrationOptions {
  client: Etcd3;
  record: ServiceRecord;
  /** Lease TTL in whole seconds (contract §5 default 10). */
  ttlSeconds?: number;
  /** Key prefix, default `/services/`. */
  prefix?: string;
  logger: Logger;
  /** How long start() waits for the first registration before rejecting; default 10000. */
  startTimeoutMs?: number;
  /** Time limit of the lease revoke in close(); default 2000. */
  closeTimeoutMs?: number;
  /** Time limit of each grant and put; default 5000. */
  callTimeoutMs?: number;
  /** Cap of the backoff between registration attempts; default 2000. */
  maxBackoffMs?: number;
}

function check(ok: boolean, setting: string, message: string): void {
  if (!ok) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `${setting} ${message}`, { context: { setting } });
  }
}

/** Applies the defaults and checks every number; throws a DiscoveryError (INVALID_OPTIONS) naming the bad setting. */
export function resolveRegistrationOptions(opts: RegistrationOptions): {
  ttlSeconds: number;
  startTimeoutMs: number;
  closeTimeoutMs: number;
  callTimeoutMs: number;
  maxBackoffMs: number;
} {
  const resolved = {
    ttlSeconds: opts.ttlSeconds ?? 10,
    startTimeoutMs: opts.startTimeoutMs ?? 10_000,
    closeTimeoutMs: opts.closeTimeoutMs ?? 2_000,
    callTimeoutMs: opts.callTimeoutMs ?? 5_000,
    maxBackoffMs: opts.maxBackoffMs ?? 2_000,
  };
  check(Number.isInteger(resolved.ttlSeconds) && resolved.ttlSeconds >= 1, 'ttlSeconds', 'must be an integer ≥ 1');
  for (const setting of ['startTimeoutMs', 'closeTimeoutMs', 'callTimeoutMs', 'maxBackoffMs'] as const) {
    check(Number.isFinite(resolved[setting]) && resolved[setting] > 0, setting, 'must be a positive number');
  }
  check(typeof opts.client?.lease === 'function', 'client', 'must be an etcd3 client');
  check(typeof opts.logger?.child === 'function', 'logger', 'must be a pino logger');
  return resolved;
}
