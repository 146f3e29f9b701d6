import { checkKey } from './message-key';
import { invalid, valid } from './result';

describe('checkKey', () => {
  const body = valid({ uid: 'order-1' });

  it('accepts a key equal to the uid', () => {
    expect(checkKey(Buffer.from('order-1'), body)).toEqual(body);
  });

  it('refuses a message without a key', () => {
    expect(checkKey(null, body)).toEqual({
      ok: false,
      code: 'MSG_ENVELOPE_INVALID',
      reason: 'message has no key (the key must be the uid)',
    });
    expect(checkKey(Buffer.alloc(0), body).ok).toBe(false);
  });

  it('refuses a key that is not the uid, naming both', () => {
    const result = checkKey(Buffer.from('order-2'), body);
    expect(result).toEqual({ ok: false, code: 'MSG_ENVELOPE_INVALID', reason: 'key "order-2" is not the uid "order-1"' });
  });

  it('passes an earlier refusal through unchanged', () => {
    const refused = invalid<{ uid: string }>('MSG_NOT_JSON', 'value is not JSON');
    expect(checkKey(Buffer.from('x'), refused)).toBe(refused);
  });
});
