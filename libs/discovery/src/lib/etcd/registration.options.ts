import { ServiceRecord } from '../records/service-record';
import { checkOption, LeaseOptions, LeaseSettings, resolveLeaseOptions } from './lease.settings';

/** Options of a ServiceRegistration; only `client`, `record` and `logger` are required (the lease settings: {@link LeaseOptions}). */
export interface RegistrationOptions extends LeaseOptions {
  record: ServiceRecord;
  /** Key prefix, default `/services/`. */
  prefix?: string;
  /** How long start() waits for the first registration before rejecting; default 10000. */
  startTimeoutMs?: number;
}

/** The settings of a ServiceRegistration with their defaults applied. */
export interface RegistrationSettings extends LeaseSettings {
  startTimeoutMs: number;
}

/** Applies the defaults and checks every number; throws a DiscoveryError (INVALID_OPTIONS) naming the bad setting. */
export function resolveRegistrationOptions(opts: RegistrationOptions): RegistrationSettings {
  const startTimeoutMs = opts.startTimeoutMs ?? 10_000;
  checkOption(Number.isFinite(startTimeoutMs) && startTimeoutMs > 0, 'startTimeoutMs', 'must be a positive number');
  return { ...resolveLeaseOptions(opts), startTimeoutMs };
}
