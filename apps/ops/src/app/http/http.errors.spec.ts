import type { Aggregate, ServiceResult } from '@gateway/messaging';
import { errorBody, fromFastifyError, httpStatusOf } from './http.errors';

function aggregate(status: Aggregate['status'], results: Record<string, ServiceResult>): Aggregate {
  const missing = Object.entries(results)
    .filter(([, r]) => r.status !== 'ok' && r.status !== 'error')
    .map(([name]) => name);
  return { uid: 'u1', status, results, missing, elapsedMs: 5 };
}

const okResult: ServiceResult = { status: 'ok', result: 1, latencyMs: 2 };
const errorResult: ServiceResult = { status: 'error', error: { code: 'X', message: 'x' }, latencyMs: 2 };

describe('httpStatusOf', () => {
  it.each<[string, Aggregate, number]>([
    ['a complete aggregate', aggregate('complete', { a: okResult, b: okResult }), 200],
    ['a complete aggregate of errors', aggregate('complete', { a: errorResult }), 200],
    ['a partial aggregate with one answer', aggregate('partial', { a: okResult, b: { status: 'timeout' } }), 200],
    ['a partial aggregate whose only answer is an error', aggregate('partial', { a: errorResult, b: { status: 'left' } }), 200],
    [
      'a partial aggregate where every service timed out',
      aggregate('partial', { a: { status: 'timeout' }, b: { status: 'timeout' } }),
      504,
    ],
    ['a partial aggregate of timeouts and left services', aggregate('partial', { a: { status: 'timeout' }, b: { status: 'left' } }), 504],
  ])('%s → %d', (_label, answer, status) => {
    expect(httpStatusOf(answer)).toBe(status);
  });

  it.each([
    ['NO_SERVICES', 503],
    ['OVERLOADED', 503],
    ['DEADLINE_EXPIRED', 504],
    ['NOT_READY', 503],
    ['SHUTTING_DOWN', 503],
    ['KAFKA_UNAVAILABLE', 503],
    ['INVALID_REQUEST', 400],
    ['UNKNOWN_SERVICE', 404],
  ])('a gateway error %s → %d', (code, status) => {
    expect(httpStatusOf({ uid: 'u1', status: 'error', error: { code, message: 'm' } })).toBe(status);
  });
});

describe('errorBody', () => {
  it('wraps code and message', () => {
    expect(errorBody('NOT_FOUND', 'no route')).toEqual({ error: { code: 'NOT_FOUND', message: 'no route' } });
  });
});

describe('fromFastifyError', () => {
  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'BODY_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'INVALID_REQUEST'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'INVALID_REQUEST'],
  ])('maps %s to %d %s', (code, status, ourCode) => {
    expect(fromFastifyError({ code, message: 'm' })).toEqual({ status, body: { error: { code: ourCode, message: expect.any(String) } } });
  });

  it.each([[400], [413], [415]])('maps another error with status %d to INVALID_REQUEST', (statusCode) => {
    expect(fromFastifyError({ code: 'FST_OTHER', statusCode, message: 'm' })).toEqual({
      status: statusCode,
      body: { error: { code: 'INVALID_REQUEST', message: 'm' } },
    });
  });

  it('leaves anything else to the caller', () => {
    expect(fromFastifyError({ message: 'boom' })).toBeUndefined();
    expect(fromFastifyError({ statusCode: 500, message: 'boom' })).toBeUndefined();
  });
});
