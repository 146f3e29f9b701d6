import type { OpsAnswer } from '@gateway/messaging';
import { noServiceAnswered } from '@gateway/messaging';
import { GatewayErrorCodes } from '../gateway.errors';

/** The HTTP status of an answer (contract §4). */
export function httpStatusOf(answer: OpsAnswer): number {
  if (answer.status === 'error') {
    if (answer.error.code === GatewayErrorCodes.INVALID_REQUEST) return 400;
    if (answer.error.code === GatewayErrorCodes.UNKNOWN_SERVICE) return 404;
    return answer.error.code === GatewayErrorCodes.DEADLINE_EXPIRED ? 504 : 503;
  }
  return noServiceAnswered(answer) ? 504 : 200;
}

/** The body of every HTTP error (contract §4). */
export interface HttpErrorBody {
  error: { code: string; message: string };
}

/** An HTTP error body. */
export function errorBody(code: string, message: string): HttpErrorBody {
  return { error: { code, message } };
}

/** Fastify's own errors for a body it cannot read, mapped to our codes and statuses. */
export function fromFastifyError(error: {
  code?: string;
  statusCode?: number;
  message: string;
}): { status: number; body: HttpErrorBody } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('BODY_TOO_LARGE', error.message) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody(GatewayErrorCodes.INVALID_REQUEST, 'body is empty') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: errorBody(GatewayErrorCodes.INVALID_REQUEST, `body is not valid JSON: ${error.message}`) };
    default:
      if (error.statusCode === 400 || error.statusCode === 413 || error.statusCode === 415) {
        return { status: error.statusCode, body: errorBody(GatewayErrorCodes.INVALID_REQUEST, error.message) };
      }
      return undefined;
  }
}
