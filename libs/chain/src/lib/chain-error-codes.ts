/**
 * The codes the chain runtime itself replies with (`ok: false`, contract §3). A handler's own
 * `ChainError` codes are its team's, not listed here. `docs/errors.md` lists the same codes; a
 * test keeps them in step.
 */
export const ChainErrorCodes = {
  /** The handler threw an error that is not a `ChainError`. */
  HANDLER_ERROR: 'HANDLER_ERROR',
  /** The handler ran past `HANDLER_TIMEOUT_MS` or the request's deadline. */
  HANDLER_TIMEOUT: 'HANDLER_TIMEOUT',
  /** The payload lacks a field the chain needs (`payloadObject`, `requireString`, `requirePositiveInt`). */
  BAD_PAYLOAD: 'BAD_PAYLOAD',
} as const;

/** One of the string values of {@link ChainErrorCodes}. */
export type ChainErrorCode = (typeof ChainErrorCodes)[keyof typeof ChainErrorCodes];
