/**
 * The registry of the answers ops gives when it forms no aggregate: each code with the HTTP status
 * it is answered with (on Kafka the answer carries the code alone; {@link httpStatusOf} reads the
 * status here). `docs/errors.md` lists the same codes and statuses; a test keeps them in step.
 */
export const GatewayErrors = {
  /** No chain service is registered. */
  NO_SERVICES: { code: 'NO_SERVICES', httpStatus: 503 },
  /** The request names a chain service that is not registered: no chain was asked. */
  UNKNOWN_SERVICE: { code: 'UNKNOWN_SERVICE', httpStatus: 404 },
  /** ops runs as many requests as its admission limit allows now (contract §8): try again after `Retry-After`. */
  OVERLOADED: { code: 'OVERLOADED', httpStatus: 503 },
  /** The request's time ran out before ops could start it (an `ops.req` record that waited longer than its `timeoutMs`). */
  DEADLINE_EXPIRED: { code: 'DEADLINE_EXPIRED', httpStatus: 504 },
  /** ops is shutting down and takes no new request. */
  SHUTTING_DOWN: { code: 'SHUTTING_DOWN', httpStatus: 503 },
  /** This instance holds no reply partition of `ops.resp` right now, so it could not receive replies. */
  NOT_READY: { code: 'NOT_READY', httpStatus: 503 },
  /** The broadcast could not be published (Kafka unreachable). */
  KAFKA_UNAVAILABLE: { code: 'KAFKA_UNAVAILABLE', httpStatus: 503 },
  /** The body breaks contract §3 (HTTP only; on Kafka it is dead-lettered). */
  INVALID_REQUEST: { code: 'INVALID_REQUEST', httpStatus: 400 },
} as const satisfies Record<string, { readonly code: string; readonly httpStatus: number }>;

/** One entry of {@link GatewayErrors}. */
export type GatewayErrorEntry = (typeof GatewayErrors)[keyof typeof GatewayErrors];

/** One of the codes of {@link GatewayErrors}. */
export type GatewayErrorCode = GatewayErrorEntry['code'];
