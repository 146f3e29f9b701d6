/**
 * Every error code @gateway/discovery can raise; its README and `docs/errors.md` list the same
 * codes (tests keep them in step).
 */
export const DiscoveryErrorCodes = {
  ETCD_UNAVAILABLE: 'DISCOVERY_ETCD_UNAVAILABLE',
  LEASE_LOST: 'DISCOVERY_LEASE_LOST',
  INVALID_RECORD: 'DISCOVERY_INVALID_RECORD',
  INVALID_OPTIONS: 'DISCOVERY_INVALID_OPTIONS',
  NO_FREE_PARTITION: 'DISCOVERY_NO_FREE_PARTITION',
  ACCESS_DENIED: 'DISCOVERY_ACCESS_DENIED',
} as const;

/** One of the string values of {@link DiscoveryErrorCodes}. */
export type DiscoveryErrorCode = (typeof DiscoveryErrorCodes)[keyof typeof DiscoveryErrorCodes];

/** Whether an error with a given code may go away by itself if the operation is retried later. */
export const retriableByCode: Readonly<Record<DiscoveryErrorCode, boolean>> = {
  DISCOVERY_ETCD_UNAVAILABLE: true,
  DISCOVERY_LEASE_LOST: true,
  DISCOVERY_INVALID_RECORD: false,
  DISCOVERY_INVALID_OPTIONS: false,
  // A claim frees up when its holder stops or its lease runs out.
  DISCOVERY_NO_FREE_PARTITION: true,
  // etcd refused the login or the key: the credentials or the roles have to change first.
  DISCOVERY_ACCESS_DENIED: false,
};
