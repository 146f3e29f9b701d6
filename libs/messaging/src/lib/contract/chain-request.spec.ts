import { MessagingErrorCodes } from '../errors/messaging.errors';
import { validateChainRequest } from './chain-request';

function reasonOf(value: unknown): string {
  const result = validateChainRequest(value);
  if (result.ok) throw new Error('expected a refusal');
  expect(result.code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
  return result.reason;
}

describe('validateChainRequest', () => {
  it('accepts a broadcast request', () => {
    const request = { uid: 'order-42', payload: { any: 'json' }, deadline: 1_700_000_000_000 };
    expect(validateChainRequest(request)).toEqual({ ok: true, value: request });
  });

  it('accepts a null payload', () => {
    expect(validateChainRequest({ uid: 'u1', payload: null, deadline: 1 })).toEqual({
      ok: true,
      value: { uid: 'u1', payload: null, deadline: 1 },
    });
  });

  it('drops fields it does not know', () => {
    expect(validateChainRequest({ uid: 'u1', payload: 1, deadline: 5, extra: true })).toEqual({
      ok: true,
      value: { uid: 'u1', payload: 1, deadline: 5 },
    });
  });

  it.each([
    ['null', null],
    ['an array', [1]],
    ['a number', 1],
  ])('refuses %s', (_label, value) => {
    expect(reasonOf(value)).toMatch(/JSON object/);
  });

  it.each([[undefined], [''], ['a b'], [12]])('refuses uid %p', (uid) => {
    expect(reasonOf({ uid, payload: 1, deadline: 1 })).toContain('"uid"');
  });

  it('requires a payload', () => {
    expect(reasonOf({ uid: 'u1', deadline: 1 })).toContain('"payload"');
  });

  it.each([[undefined], ['1700000000000'], [Number.NaN], [Number.POSITIVE_INFINITY], [null]])('refuses deadline %p', (deadline) => {
    expect(reasonOf({ uid: 'u1', payload: 1, deadline })).toContain('"deadline"');
  });
});
