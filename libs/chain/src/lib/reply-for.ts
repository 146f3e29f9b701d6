import { type ChainReply, hasCode, MessagingErrorCodes } from '@gateway/messaging';
import { ChainError } from './chain-error';
import { ChainErrorCodes } from './chain-error-codes';

/** The reply a chain sends for a handler's outcome: its result, or the error it threw. */
export function replyFor(uid: string, service: string, outcome: { ok: true; result: unknown } | { ok: false; error: unknown }): ChainReply {
  if (outcome.ok) return { uid, service, ok: true, result: outcome.result === undefined ? null : outcome.result };
  const error = outcome.error;
  if (error instanceof ChainError) return { uid, service, ok: false, error: { code: error.code, message: error.message } };
  if (hasCode(error, MessagingErrorCodes.HANDLER_TIMEOUT)) {
    return { uid, service, ok: false, error: { code: ChainErrorCodes.HANDLER_TIMEOUT, message: error.message } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { uid, service, ok: false, error: { code: ChainErrorCodes.HANDLER_ERROR, message } };
}
