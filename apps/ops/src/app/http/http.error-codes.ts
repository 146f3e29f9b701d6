/**
 * The registry of the errors ops' HTTP server answers by itself, apart from the gateway's answers
 * (`GatewayErrors`): each code with its status; the body is `{ "error": { "code",
 * "message" } }` (contract §4). `docs/errors.md` lists the same codes and statuses; a test keeps
 * them in step.
 */
export const HttpErrors = {
  /** The body is over `OPS_MAX_BODY_BYTES`. */
  BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', httpStatus: 413 },
  /** `content-type` is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 },
  /** No route has this path. */
  NOT_FOUND: { code: 'NOT_FOUND', httpStatus: 404 },
  /** The path has routes, but not for this method (`Allow` names those it has). */
  METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', httpStatus: 405 },
  /** A request failed in a way ops did not foresee (the error is logged). */
  INTERNAL: { code: 'INTERNAL', httpStatus: 500 },
} as const satisfies Record<string, { readonly code: string; readonly httpStatus: number }>;

/** One entry of {@link HttpErrors}. */
export type HttpErrorEntry = (typeof HttpErrors)[keyof typeof HttpErrors];

/** One of the codes of {@link HttpErrors}. */
export type HttpErrorCode = HttpErrorEntry['code'];
