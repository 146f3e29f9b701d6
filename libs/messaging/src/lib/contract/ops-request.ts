import { MessagingErrorCodes } from '../errors/messaging.errors';
import { isJsonObject } from './json-value';
import { invalid, valid, type Validated } from './result';
import { isValidUid } from './uid';

/** How many `ok` replies complete a request: every asked service, the first one, or the first k. */
export type Completion = 'all' | 'any' | number;

/** A request into the gateway (contract §3): the body of `POST /requests` and a value on `ops.req`. */
export interface OpsRequest {
  uid?: string;
  payload: unknown;
  timeoutMs?: number;
  services?: string[];
  completion?: Completion;
}

/** Bounds of `timeoutMs` (contract §3). */
export const TIMEOUT_MS_MIN = 1;
export const TIMEOUT_MS_MAX = 600_000;

/** A chain service name: what may stand before `.req` in a topic name. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

const KNOWN_FIELDS = new Set(['uid', 'payload', 'timeoutMs', 'services', 'completion']);

/** Options of {@link validateOpsRequest}. */
export interface OpsRequestRules {
  /** `uid` is required on `ops.req`, optional over HTTP. */
  requireUid: boolean;
}

/**
 * Checks a decoded value against contract §3 and returns the request, or the first rule it breaks
 * (named by field, so a client can fix it). Unknown fields are refused rather than ignored.
 */
export function validateOpsRequest(value: unknown, rules: OpsRequestRules): Validated<OpsRequest> {
  const bad = (reason: string) => invalid<OpsRequest>(MessagingErrorCodes.ENVELOPE_INVALID, reason);
  if (!isJsonObject(value)) return bad('request must be a JSON object');
  for (const field of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(field)) return bad(`unknown field "${field}"`);
  }
  const { uid, payload, timeoutMs, services, completion } = value;
  if (uid === undefined) {
    if (rules.requireUid) return bad('"uid" is required');
  } else if (!isValidUid(uid)) {
    return bad('"uid" must be 1-128 characters of A-Za-z0-9._:-');
  }
  if (!('payload' in value)) return bad('"payload" is required');
  if (timeoutMs !== undefined) {
    if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < TIMEOUT_MS_MIN || timeoutMs > TIMEOUT_MS_MAX) {
      return bad(`"timeoutMs" must be an integer from ${TIMEOUT_MS_MIN} to ${TIMEOUT_MS_MAX}`);
    }
  }
  if (services !== undefined) {
    if (!Array.isArray(services) || services.length === 0) return bad('"services" must be a non-empty array of service names');
    for (const name of services) {
      if (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name))
        return bad(`"services" holds an invalid name: ${JSON.stringify(name)}`);
    }
    if (new Set(services).size !== services.length) return bad('"services" names a service twice');
  }
  if (completion !== undefined && completion !== 'all' && completion !== 'any') {
    if (typeof completion !== 'number' || !Number.isInteger(completion) || completion < 1) {
      return bad('"completion" must be "all", "any" or a positive integer');
    }
  }
  const request: OpsRequest = { payload };
  if (uid !== undefined) request.uid = uid as string;
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs as number;
  if (services !== undefined) request.services = services as string[];
  if (completion !== undefined) request.completion = completion as Completion;
  return valid(request);
}
