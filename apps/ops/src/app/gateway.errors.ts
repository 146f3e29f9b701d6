/**
 * Codes of the answers ops gives when it forms no aggregate. `docs/errors.md` lists them; the
 * HTTP status of each is in {@link httpStatusOf}.
 */
export const GatewayErrorCodes = {
  /** No chain service is registered. */
  NO_SERVICES: 'NO_SERVICES',
  /** The request names a chain service that is not registered (HTTP 404): no chain was asked. */
  UNKNOWN_SERVICE: 'UNKNOWN_SERVICE',
  /** ops runs as many requests as its admission limit allows now (contract §8): try again after `Retry-After`. */
  OVERLOADED: 'OVERLOADED',
  /** The request's time ran out before ops could start it (an `ops.req` record that waited longer than its `timeoutMs`). */
  DEADLINE_EXPIRED: 'DEADLINE_EXPIRED',
  /** ops is shutting down and takes no new request. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** This instance holds no reply partition of `ops.resp` right now, so it could not receive replies. */
  NOT_READY: 'NOT_READY',
  /** The broadcast could not be published (Kafka unreachable). */
  KAFKA_UNAVAILABLE: 'KAFKA_UNAVAILABLE',
  /** The body breaks contract §3 (HTTP only; on Kafka it is dead-lettered). */
  INVALID_REQUEST: 'INVALID_REQUEST',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCodes)[keyof typeof GatewayErrorCodes];
