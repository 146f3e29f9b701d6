/** Every error code @gateway/discovery can raise; the README lists the same codes (a test keeps them in step). */
export const DiscoveryErrorCodes = {
  ETCD_UNAVAILABLE: 'DISCOVERY_ETCD_UNAVAILABLE',
  LEASE_LOST: 'DISCOVERY_LEASE_LOST',
  INVALID_RECORD: 'DISCOVERY_INVALID_RECORD',
  INVALID_OPTIONS: 'DISCOVERY_INVALID_OPTIONS',
} as const;

/** One of the string values of {@link DiscoveryErrorCodes}. */
export type DiscoveryErrorCode = (typeof DiscoveryErrorCodes)[keyof typeof DiscoveryErrorCodes];

/** Whether an error with a given code may go away by itself if the operation is retried later. */
export const retriableByCode: Readonly<Record<DiscoveryErrorCode, boolean>> = {
  DISCOVERY_ETCD_UNAVAILABLE: true,
  DISCOVERY_LEASE_LOST: true,
  DISCOVERY_INVALID_RECORD: false,
  DISCOVERY_INVALID_OPTIONS: false,
};
