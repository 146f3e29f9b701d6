import { MessagingErrorCodes } from '../errors/messaging.errors';
import { validateChainReply } from './chain-reply';

function reasonOf(value: unknown): string {
  const result = validateChainReply(value);
  if (result.ok) throw new Error('expected a refusal');
  expect(result.code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
  return result.reason;
}

describe('validateChainReply', () => {
  it('accepts an ok reply', () => {
    const reply = { uid: 'u1', service: 'chain1', ok: true, result: { n: 1 } };
    expect(validateChainReply(reply)).toEqual({ ok: true, value: reply });
  });

  it('turns a missing result of an ok reply into null', () => {
    expect(validateChainReply({ uid: 'u1', service: 'chain1', ok: true })).toEqual({
      ok: true,
      value: { uid: 'u1', service: 'chain1', ok: true, result: null },
    });
  });

  it('accepts an error reply and keeps only code and message', () => {
    const result = validateChainReply({
      uid: 'u1',
      service: 'chain2',
      ok: false,
      error: { code: 'OUT_OF_STOCK', message: 'none left', extra: 1 },
    });
    expect(result).toEqual({
      ok: true,
      value: { uid: 'u1', service: 'chain2', ok: false, error: { code: 'OUT_OF_STOCK', message: 'none left' } },
    });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'reply'],
  ])('refuses %s', (_label, value) => {
    expect(reasonOf(value)).toMatch(/JSON object/);
  });

  it.each([
    ['missing', { service: 'chain1', ok: true }],
    ['with a space', { uid: 'a b', service: 'chain1', ok: true }],
    ['too long', { uid: 'x'.repeat(129), service: 'chain1', ok: true }],
  ])('refuses a uid %s', (_label, value) => {
    expect(reasonOf(value)).toContain('"uid"');
  });

  it.each([[undefined], [''], [3]])('refuses service %p', (service) => {
    expect(reasonOf({ uid: 'u1', service, ok: true })).toContain('"service"');
  });

  it.each([[undefined], ['true'], [1], [null]])('refuses ok %p', (ok) => {
    expect(reasonOf({ uid: 'u1', service: 'chain1', ok })).toContain('"ok"');
  });

  it.each([
    ['missing', undefined],
    ['a string', 'boom'],
    ['without message', { code: 'X' }],
    ['without code', { message: 'x' }],
    ['with a numeric code', { code: 1, message: 'x' }],
  ])('refuses an error %s when ok is false', (_label, error) => {
    expect(reasonOf({ uid: 'u1', service: 'chain1', ok: false, error })).toContain('"error"');
  });
});
