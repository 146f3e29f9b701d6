/**
 * The registry of the errors ops answers with: each code with its HTTP status and the answer that
 * carries it —
 * - `gateway`: the answer to a request ops forms no aggregate for, `{ uid, status: "error", error }`
 *   (on Kafka it carries the code alone; {@link httpStatusOf} reads the status here);
 * - `http`: what ops' HTTP server answers by itself, `{ error: { code, message } }` (contract §4).
 *
 * `docs/errors.md` lists the same codes and statuses, one table per kind; a test keeps them in step.
 */
export const OpsErrors = {
  // The answers of the gateway.
  /** No chain service is registered. */
  NO_SERVICES: { code: 'NO_SERVICES', httpStatus: 503, answer: 'gateway' },
  /** The request names a chain service that is not registered: no chain was asked. */
  UNKNOWN_SERVICE: { code: 'UNKNOWN_SERVICE', httpStatus: 404, answer: 'gateway' },
  /** ops runs as many requests as its admission limit allows now (contract §8): try again after `Retry-After`. */
  OVERLOADED: { code: 'OVERLOADED', httpStatus: 503, answer: 'gateway' },
  /** The request's time ran out before ops could start it (an `ops.req` record that waited longer than its `timeoutMs`). */
  DEADLINE_EXPIRED: { code: 'DEADLINE_EXPIRED', httpStatus: 504, answer: 'gateway' },
  /** ops is shutting down and takes no new request. */
  SHUTTING_DOWN: { code: 'SHUTTING_DOWN', httpStatus: 503, answer: 'gateway' },
  /** This instance holds no reply partition of `ops.resp` right now, so it could not receive replies. */
  NOT_READY: { code: 'NOT_READY', httpStatus: 503, answer: 'gateway' },
  /** The broadcast could not be published (Kafka unreachable). */
  KAFKA_UNAVAILABLE: { code: 'KAFKA_UNAVAILABLE', httpStatus: 503, answer: 'gateway' },
  /** The body breaks contract §3 (HTTP only; on Kafka it is dead-lettered). */
  INVALID_REQUEST: { code: 'INVALID_REQUEST', httpStatus: 400, answer: 'gateway' },
  // What the HTTP server answers by itself.
  /** `POST /requests` without a valid bearer token, when OPS_API_TOKENS_FILE is set (`WWW-Authenticate` says why). */
  UNAUTHORIZED: { code: 'UNAUTHORIZED', httpStatus: 401, answer: 'http' },
  /** The body is over `OPS_MAX_BODY_BYTES`. */
  BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', httpStatus: 413, answer: 'http' },
  /** `content-type` is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415, answer: 'http' },
  /** No route has this path. */
  NOT_FOUND: { code: 'NOT_FOUND', httpStatus: 404, answer: 'http' },
  /** The path has routes, but not for this method (`Allow` names those it has). */
  METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', httpStatus: 405, answer: 'http' },
  /** More connections at once from one address than OPS_HTTP_MAX_CONNECTIONS_PER_CLIENT allows: answered, then closed. */
  TOO_MANY_CONNECTIONS: { code: 'TOO_MANY_CONNECTIONS', httpStatus: 429, answer: 'http' },
  /** A request failed in a way ops did not foresee (the error is logged). */
  INTERNAL: { code: 'INTERNAL', httpStatus: 500, answer: 'http' },
} as const satisfies Record<string, { readonly code: string; readonly httpStatus: number; readonly answer: 'gateway' | 'http' }>;

/** One entry of {@link OpsErrors}. */
export type OpsErrorEntry = (typeof OpsErrors)[keyof typeof OpsErrors];

/** An answer of the gateway: an entry of kind `gateway`. */
export type GatewayErrorEntry = Extract<OpsErrorEntry, { answer: 'gateway' }>;
export type GatewayErrorCode = GatewayErrorEntry['code'];

/** An answer of the HTTP server: an entry of kind `http`. */
export type HttpErrorEntry = Extract<OpsErrorEntry, { answer: 'http' }>;
export type HttpErrorCode = HttpErrorEntry['code'];

/** The entries of one kind, for the documentation test. */
export function opsErrorsOf(answer: OpsErrorEntry['answer']): OpsErrorEntry[] {
  return Object.values(OpsErrors).filter((entry) => entry.answer === answer);
}
