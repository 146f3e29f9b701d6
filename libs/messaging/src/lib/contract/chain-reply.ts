import { MessagingErrorCodes } from '../errors/messaging.errors';
import { isJsonObject } from './json-value';
import { invalid, valid, type Validated } from './result';
import { isValidUid } from './uid';

/** The error a chain reports in a failed reply. */
export interface ReplyError {
  code: string;
  message: string;
}

/** A chain's reply on `ops.resp` (contract §3). */
export type ChainReply =
  | { uid: string; service: string; ok: true; result: unknown }
  | { uid: string; service: string; ok: false; error: ReplyError };

/** Checks a decoded value on a reply topic against contract §3. */
export function validateChainReply(value: unknown): Validated<ChainReply> {
  const bad = (reason: string) => invalid<ChainReply>(MessagingErrorCodes.ENVELOPE_INVALID, reason);
  if (!isJsonObject(value)) return bad('reply must be a JSON object');
  if (!isValidUid(value.uid)) return bad('"uid" is missing or invalid');
  if (typeof value.service !== 'string' || value.service.length === 0) return bad('"service" must be a non-empty string');
  if (value.ok === true) {
    return valid({ uid: value.uid, service: value.service, ok: true, result: value.result ?? null });
  }
  if (value.ok === false) {
    const error = value.error;
    if (!isJsonObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
      return bad('"error" must be { "code": string, "message": string } when "ok" is false');
    }
    return valid({ uid: value.uid, service: value.service, ok: false, error: { code: error.code, message: error.message } });
  }
  return bad('"ok" must be true or false');
}
