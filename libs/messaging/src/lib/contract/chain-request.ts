import { MessagingErrorCodes } from '../errors/messaging.errors';
import { isJsonObject } from './json-value';
import { invalid, valid, type Validated } from './result';
import { isValidUid } from './uid';

/** The broadcast request on `<name>.req` (contract §3); `deadline` is epoch ms. */
export interface ChainRequest {
  uid: string;
  payload: unknown;
  deadline: number;
}

/** Checks a decoded value on a chain's request topic against contract §3. */
export function validateChainRequest(value: unknown): Validated<ChainRequest> {
  const bad = (reason: string) => invalid<ChainRequest>(MessagingErrorCodes.ENVELOPE_INVALID, reason);
  if (!isJsonObject(value)) return bad('request must be a JSON object');
  if (!isValidUid(value.uid)) return bad('"uid" is missing or invalid');
  if (!('payload' in value)) return bad('"payload" is required');
  if (typeof value.deadline !== 'number' || !Number.isFinite(value.deadline)) return bad('"deadline" must be epoch milliseconds');
  return valid({ uid: value.uid, payload: value.payload, deadline: value.deadline });
}
