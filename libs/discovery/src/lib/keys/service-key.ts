import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';

/** The etcd key prefix under which every instance registers (contract §5). */
export const SERVICES_PREFIX = '/services/';

/** Returns the prefix with exactly one trailing slash, so `/x/services` and `/x/services/` mean the same. */
export function normalizePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** True when `part` can be one segment of a service key: non-empty and free of `/`. */
export function isKeySegment(part: string): boolean {
  return part.length > 0 && !part.includes('/');
}

/** Builds `<prefix><name>/<instanceId>`; throws a DiscoveryError (INVALID_RECORD) when a part is empty or holds a `/`. */
export function serviceKey(name: string, instanceId: string, prefix: string = SERVICES_PREFIX): string {
  if (!isKeySegment(name) || !isKeySegment(instanceId)) {
    throw new DiscoveryError(
      DiscoveryErrorCodes.INVALID_RECORD,
      `service name and instanceId must be non-empty and contain no "/" (got ${JSON.stringify(name)}, ${JSON.stringify(instanceId)})`,
      { context: { service: name, instanceId } },
    );
  }
  return `${normalizePrefix(prefix)}${name}/${instanceId}`;
}

/** Splits a key built by {@link serviceKey}; returns undefined for any key that is not exactly `<prefix><name>/<instanceId>`. */
export function parseServiceKey(key: string, prefix: string = SERVICES_PREFIX): { name: string; instanceId: string } | undefined {
  const base = normalizePrefix(prefix);
  if (!key.startsWith(base)) {
    return undefined;
  }
  const parts = key.slice(base.length).split('/');
  if (parts.length !== 2) {
    return undefined;
  }
  const [name, instanceId] = parts as [string, string];
  return isKeySegment(name) && isKeySegment(instanceId) ? { name, instanceId } : undefined;
}
