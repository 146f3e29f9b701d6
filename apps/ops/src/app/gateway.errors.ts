/**
 * Codes of the answers ops gives when it forms no aggregate. `docs/errors.md` lists them; the
 * HTTP status of each is in {@link httpStatusOf}.
 */
export const GatewayErrorCodes = {
  /** No chain service is registered (or none of those named). */
  NO_SERVICES: 'NO_SERVICES',
  /** ops holds as many requests as it may (OPS_MAX_IN_FLIGHT). */
  AT_CAPACITY: 'AT_CAPACITY',
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
