import Ajv, { type ErrorObject } from 'ajv';
import { MessagingErrorCodes } from '../errors/messaging.errors';
import { OPS_KAFKA_REQUEST_SCHEMA, OPS_REQUEST_SCHEMA } from './ops-request.schema';
import { invalid, valid, type Validated } from './result';

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

export { SERVICE_NAME_PATTERN, TIMEOUT_MS_MAX, TIMEOUT_MS_MIN } from './ops-request.limits';

/** Options of {@link validateOpsRequest}. */
export interface OpsRequestRules {
  /** `uid` is required on `ops.req`, optional over HTTP. */
  requireUid: boolean;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = {
  http: ajv.compile(OPS_REQUEST_SCHEMA),
  kafka: ajv.compile(OPS_KAFKA_REQUEST_SCHEMA),
};

/**
 * Checks a decoded value against contract §3 — the rules of {@link OPS_REQUEST_SCHEMA} — and returns
 * the request, or the first rule it breaks, named by field so a client can fix it. Unknown fields
 * are refused rather than ignored.
 */
export function validateOpsRequest(value: unknown, rules: OpsRequestRules): Validated<OpsRequest> {
  const validate = rules.requireUid ? validators.kafka : validators.http;
  if (validate(value)) return valid(value as OpsRequest);
  const error = validate.errors?.[0];
  return invalid(MessagingErrorCodes.ENVELOPE_INVALID, error ? reasonFor(error, value) : 'request is invalid');
}

/** Turns the first schema violation into the message a client reads. */
function reasonFor(error: ErrorObject, value: unknown): string {
  const [, field, index] = error.instancePath.split('/');
  if (field === undefined) {
    if (error.keyword === 'type') return 'request must be a JSON object';
    if (error.keyword === 'additionalProperties') return `unknown field "${String(error.params['additionalProperty'])}"`;
    if (error.keyword === 'required') return `"${String(error.params['missingProperty'])}" is required`;
    return `request ${error.message ?? 'is invalid'}`;
  }
  if (field === 'services' && error.keyword === 'uniqueItems') return '"services" names a service twice';
  if (field === 'services' && index !== undefined) {
    const name = (value as { services: unknown[] }).services[Number(index)];
    return `"services" holds an invalid name: ${JSON.stringify(name)}`;
  }
  const property = OPS_REQUEST_SCHEMA.properties[field as keyof typeof OPS_REQUEST_SCHEMA.properties];
  const reason = property && 'x-reason' in property ? property['x-reason'] : error.message;
  return `"${field}" ${reason}`;
}
