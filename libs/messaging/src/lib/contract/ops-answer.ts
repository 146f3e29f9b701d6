import { MessagingErrorCodes } from '../errors/messaging.errors';
import type { Aggregate, GatewayErrorReply, OpsAnswer, ServiceResult } from './aggregate';
import type { ReplyError } from './chain-reply';
import { isJsonObject, type JsonObject } from './json-value';
import { invalid, valid, type Validated } from './result';
import { isValidUid } from './uid';

/** A rule broken, named by its field (`results.chain1.latencyMs`): the reason a dead letter and the client get. */
class Broken {
  constructor(readonly reason: string) {}
}

const broken = (field: string, rule: string): Broken => new Broken(`"${field}" ${rule}`);

/**
 * Checks a decoded value on a reply topic (`ops.agg` or a `reply-to` topic) against contract §3: an
 * aggregate or a gateway error. Hand-written like {@link validateChainReply}, the other answer a
 * consumer reads: the first rule broken is named by its field, and only the fields of the contract
 * are kept (a newer gateway's extra fields do not break an older client).
 */
export function validateOpsAnswer(value: unknown): Validated<OpsAnswer> {
  const bad = (reason: string) => invalid<OpsAnswer>(MessagingErrorCodes.ENVELOPE_INVALID, reason);
  if (!isJsonObject(value)) return bad('answer must be a JSON object');
  if (!isValidUid(value.uid)) return bad('"uid" is missing or invalid');
  const answer = value.status === 'error' ? gatewayError(value.uid, value) : aggregate(value.uid, value);
  return answer instanceof Broken ? bad(answer.reason) : valid(answer);
}

function gatewayError(uid: string, value: JsonObject): GatewayErrorReply | Broken {
  const error = replyError(value.error);
  return error
    ? { uid, status: 'error', error }
    : broken('error', 'must be { "code": string, "message": string } when "status" is "error"');
}

function aggregate(uid: string, value: JsonObject): Aggregate | Broken {
  const { status, results, missing, elapsedMs } = value;
  if (status !== 'complete' && status !== 'partial') return broken('status', 'must be "complete", "partial" or "error"');
  if (!isJsonObject(results)) return broken('results', 'must be an object of one result per asked service');
  const checked: Record<string, ServiceResult> = {};
  for (const [service, result] of Object.entries(results)) {
    const one = serviceResult(service, result);
    if (one instanceof Broken) return one;
    checked[service] = one;
  }
  if (!Array.isArray(missing) || !missing.every((name): name is string => typeof name === 'string')) {
    return broken('missing', 'must be an array of service names');
  }
  const unanswered = Object.keys(checked).filter((service) => !answered(checked[service]));
  if (missing.length !== unanswered.length || !unanswered.every((service) => missing.includes(service))) {
    return broken('missing', `must name exactly the services without an ok or error result (${unanswered.join(', ') || 'none'})`);
  }
  if (!isDuration(elapsedMs)) return broken('elapsedMs', 'must be a number of milliseconds');
  return { uid, status, results: checked, missing, elapsedMs };
}

function serviceResult(service: string, value: unknown): ServiceResult | Broken {
  const field = `results.${service}`;
  if (!isJsonObject(value)) return broken(field, 'must be an object');
  const { status } = value;
  if (status === 'timeout' || status === 'left' || status === 'pending') return { status };
  if (status !== 'ok' && status !== 'error') return broken(`${field}.status`, 'must be "ok", "error", "timeout", "left" or "pending"');
  if (!isDuration(value.latencyMs)) return broken(`${field}.latencyMs`, 'must be a number of milliseconds');
  const latencyMs = value.latencyMs;
  // As a chain's reply: an ok result that is missing is null (JSON has no undefined).
  if (status === 'ok') return { status, result: value.result ?? null, latencyMs };
  const error = replyError(value.error);
  return error ? { status, error, latencyMs } : broken(`${field}.error`, 'must be { "code": string, "message": string }');
}

function replyError(value: unknown): ReplyError | undefined {
  if (!isJsonObject(value) || typeof value.code !== 'string' || typeof value.message !== 'string') return undefined;
  return { code: value.code, message: value.message };
}

function answered(result: ServiceResult | undefined): boolean {
  return result?.status === 'ok' || result?.status === 'error';
}

/** A number of milliseconds. Not checked for sign: a clock stepped back must not cost a client its answer. */
function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
