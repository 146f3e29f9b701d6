import type { OpsAnswer } from '@gateway/messaging';
import { noServiceAnswered } from '@gateway/messaging';
import {
  OpsErrors,
  opsErrorsOf,
  type GatewayErrorCode,
  type GatewayErrorEntry,
  type HttpErrorCode,
  type HttpErrorEntry,
} from '../ops.errors';

/** The HTTP status of each gateway error code, as its registry entry gives it. */
const GATEWAY_STATUS: ReadonlyMap<string, number> = new Map(opsErrorsOf('gateway').map((entry) => [entry.code, entry.httpStatus]));

/** The HTTP status of an answer (contract §4). */
export function httpStatusOf(answer: OpsAnswer): number {
  // Every gateway error carries a registry code; 503, the status of most refusals, stands for any other.
  if (answer.status === 'error') return GATEWAY_STATUS.get(answer.error.code) ?? 503;
  return noServiceAnswered(answer) ? 504 : 200;
}

/** The body of every HTTP error (contract §4). */
export interface HttpErrorBody {
  error: { code: GatewayErrorCode | HttpErrorCode; message: string };
}

/** An HTTP error body. */
export function errorBody(code: GatewayErrorCode | HttpErrorCode, message: string): HttpErrorBody {
  return { error: { code, message } };
}

/** An error of a registry as status and body. */
function answerWith(entry: GatewayErrorEntry | HttpErrorEntry, message: string): { status: number; body: HttpErrorBody } {
  return { status: entry.httpStatus, body: errorBody(entry.code, message) };
}

/** Fastify's own errors for a body it cannot read, mapped to our codes and statuses. */
export function fromFastifyError(error: {
  code?: string;
  statusCode?: number;
  message: string;
}): { status: number; body: HttpErrorBody } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answerWith(OpsErrors.BODY_TOO_LARGE, error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return answerWith(OpsErrors.UNSUPPORTED_MEDIA_TYPE, 'content-type must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answerWith(OpsErrors.INVALID_REQUEST, 'body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return answerWith(OpsErrors.INVALID_REQUEST, `body is not valid JSON: ${error.message}`);
    default:
      // Another body Fastify refused (the schema's validation among them): Fastify's status, our code.
      if (error.statusCode === 400 || error.statusCode === 413 || error.statusCode === 415) {
        return { status: error.statusCode, body: errorBody(OpsErrors.INVALID_REQUEST.code, error.message) };
      }
      return undefined;
  }
}
