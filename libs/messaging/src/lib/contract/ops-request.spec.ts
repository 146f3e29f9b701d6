import { MessagingErrorCodes } from '../errors/messaging.errors';
import { TIMEOUT_MS_MAX, validateOpsRequest, type OpsRequest } from './ops-request';
import type { Validated } from './result';

const http = { requireUid: false };
const kafka = { requireUid: true };

function refusal(result: Validated<OpsRequest>): { code: string; reason: string } {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return { code: result.code, reason: result.reason };
}

function expectRefused(value: unknown, field: string, rules = http): void {
  const { code, reason } = refusal(validateOpsRequest(value, rules));
  expect(code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
  expect(reason).toContain(field);
}

describe('validateOpsRequest', () => {
  describe('valid requests', () => {
    it('accepts a minimal request over HTTP (no uid)', () => {
      expect(validateOpsRequest({ payload: { a: 1 } }, http)).toEqual({ ok: true, value: { payload: { a: 1 } } });
    });

    it('accepts a full request and returns every field', () => {
      const full = { uid: 'order-42', payload: [1, 'x'], timeoutMs: 2000, services: ['chain1', 'chain2'], completion: 2 };
      expect(validateOpsRequest(full, kafka)).toEqual({ ok: true, value: full });
    });

    it('accepts a null payload', () => {
      expect(validateOpsRequest({ uid: 'u1', payload: null }, kafka)).toEqual({ ok: true, value: { uid: 'u1', payload: null } });
    });

    it.each([['all'], ['any'], [1], [3]])('accepts completion %p', (completion) => {
      const result = validateOpsRequest({ payload: 1, completion }, http);
      expect(result.ok && result.value.completion).toBe(completion);
    });

    it.each([[1], [TIMEOUT_MS_MAX]])('accepts timeoutMs %p (bounds)', (timeoutMs) => {
      const result = validateOpsRequest({ payload: 1, timeoutMs }, http);
      expect(result.ok && result.value.timeoutMs).toBe(timeoutMs);
    });

    it('accepts uids of 1 and 128 characters of the allowed set', () => {
      expect(validateOpsRequest({ uid: 'a', payload: 1 }, kafka).ok).toBe(true);
      expect(validateOpsRequest({ uid: 'x'.repeat(128), payload: 1 }, kafka).ok).toBe(true);
      expect(validateOpsRequest({ uid: 'Az09._:-', payload: 1 }, kafka).ok).toBe(true);
    });
  });

  describe('uid', () => {
    it('is required only when requireUid is set', () => {
      expectRefused({ payload: 1 }, '"uid"', kafka);
      expect(validateOpsRequest({ payload: 1 }, http).ok).toBe(true);
    });

    it.each([
      ['129 characters', 'x'.repeat(129)],
      ['a space', 'a b'],
      ['empty', ''],
      ['a slash', 'a/b'],
      ['a number', 42],
      ['null', null],
    ])('refuses a uid with %s', (_label, uid) => {
      expectRefused({ uid, payload: 1 }, '"uid"', http);
      expectRefused({ uid, payload: 1 }, '"uid"', kafka);
    });
  });

  describe('payload', () => {
    it('is required', () => {
      expectRefused({ uid: 'u1' }, '"payload"', kafka);
      expectRefused({}, '"payload"', http);
    });
  });

  describe('timeoutMs', () => {
    it.each([[0], [600_001], [1.5], ['100'], [-1], [null], [Number.NaN]])('refuses %p', (timeoutMs) => {
      expectRefused({ payload: 1, timeoutMs }, '"timeoutMs"');
    });
  });

  describe('services', () => {
    it.each([
      ['an empty array', []],
      ['a string', 'chain1'],
      ['a non-string item', ['chain1', 2]],
      ['an invalid name', ['chain 1']],
      ['an empty name', ['']],
      ['a duplicate', ['chain1', 'chain1']],
    ])('refuses %s', (_label, services) => {
      expectRefused({ payload: 1, services }, '"services"');
    });
  });

  describe('completion', () => {
    it.each([[0], [-1], ['some'], [1.5], [null], [true]])('refuses %p', (completion) => {
      expectRefused({ payload: 1, completion }, '"completion"');
    });
  });

  it('refuses an unknown field and names it', () => {
    expectRefused({ payload: 1, timeout: 5 }, '"timeout"');
    expectRefused({ uid: 'u1', payload: 1, extra: true }, 'extra', kafka);
  });

  it.each([
    ['an array', [{ payload: 1 }]],
    ['a string', '{"payload":1}'],
    ['null', null],
    ['a number', 7],
    ['undefined', undefined],
  ])('refuses %s', (_label, value) => {
    const { code, reason } = refusal(validateOpsRequest(value, http));
    expect(code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
    expect(reason).toMatch(/JSON object/);
  });

  it('names the allowed uid characters in the reason (no regex debris such as "]{")', () => {
    const { reason } = refusal(validateOpsRequest({ uid: 'a b', payload: 1 }, http));
    expect(reason).toBe('"uid" must be 1-128 characters of A-Za-z0-9._:-');
  });
});
