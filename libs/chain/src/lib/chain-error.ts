/**
 * Thrown by a chain handler to reply `ok: false` with a code of its own choosing (contract §3),
 * such as `OUT_OF_STOCK`. Any other thrown error replies with code `HANDLER_ERROR` (the runtime's
 * own codes are `ChainErrorCodes`).
 */
export class ChainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChainError';
  }
}
