import { MessagingErrorCodes } from '../errors/messaging.errors';
import { decodeJson, isJsonObject } from './json-value';

describe('decodeJson', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty buffer', Buffer.alloc(0)],
  ])('refuses %s as MSG_EMPTY', (_label, value) => {
    expect(decodeJson(value, 1024)).toEqual({ ok: false, code: MessagingErrorCodes.EMPTY, reason: 'empty value' });
  });

  it('refuses a value over the limit as MSG_TOO_LARGE', () => {
    const result = decodeJson(Buffer.from(JSON.stringify({ a: 'x'.repeat(20) })), 10);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe(MessagingErrorCodes.TOO_LARGE);
    expect(!result.ok && result.reason).toContain('limit of 10');
  });

  it('accepts a value exactly at the limit', () => {
    const value = Buffer.from('[1,2]');
    expect(decodeJson(value, value.length)).toEqual({ ok: true, value: [1, 2] });
  });

  it('refuses invalid UTF-8 as MSG_NOT_JSON', () => {
    const result = decodeJson(Buffer.from([0xff, 0xfe, 0x00]), 1024);
    expect(result).toEqual({ ok: false, code: MessagingErrorCodes.NOT_JSON, reason: 'value is not valid UTF-8' });
  });

  it.each([['{'], ['not json'], ['{"a":1,}']])('refuses %p as MSG_NOT_JSON', (text) => {
    const result = decodeJson(Buffer.from(text), 1024);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe(MessagingErrorCodes.NOT_JSON);
    expect(!result.ok && result.reason).toMatch(/^value is not JSON/);
  });

  it.each([
    ['{"uid":"u1","payload":{"a":[1,true,null]}}', { uid: 'u1', payload: { a: [1, true, null] } }],
    ['"text"', 'text'],
    ['42', 42],
    ['null', null],
    ['{"name":"日本"}', { name: '日本' }],
  ])('decodes %s', (text, expected) => {
    expect(decodeJson(Buffer.from(text, 'utf8'), 1024)).toEqual({ ok: true, value: expected });
  });

  it('decodes again after refusing invalid UTF-8 (the decoder keeps no state)', () => {
    decodeJson(Buffer.from([0xe6, 0x97]), 1024);
    expect(decodeJson(Buffer.from('{"a":1}'), 1024)).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe('isJsonObject', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [1, false],
    [undefined, false],
  ])('%p → %p', (value, expected) => {
    expect(isJsonObject(value)).toBe(expected);
  });
});
