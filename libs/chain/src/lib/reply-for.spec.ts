import { MessagingError, MessagingErrorCodes } from '@gateway/messaging';
import { ChainError } from './chain-error';
import { replyFor } from './reply-for';

describe('replyFor', () => {
  it('replies ok with the result', () => {
    expect(replyFor('u1', 'chain1', { ok: true, result: { total: 3 } })).toEqual({
      uid: 'u1',
      service: 'chain1',
      ok: true,
      result: { total: 3 },
    });
  });

  it('replies ok with null for an undefined result, and keeps falsy results', () => {
    expect(replyFor('u1', 'chain1', { ok: true, result: undefined })).toEqual({ uid: 'u1', service: 'chain1', ok: true, result: null });
    expect(replyFor('u1', 'chain1', { ok: true, result: 0 })).toMatchObject({ ok: true, result: 0 });
    expect(replyFor('u1', 'chain1', { ok: true, result: false })).toMatchObject({ ok: true, result: false });
  });

  it('keeps the code and message of a ChainError', () => {
    expect(replyFor('u1', 'chain2', { ok: false, error: new ChainError('OUT_OF_STOCK', 'none left') })).toEqual({
      uid: 'u1',
      service: 'chain2',
      ok: false,
      error: { code: 'OUT_OF_STOCK', message: 'none left' },
    });
  });

  it('replies HANDLER_TIMEOUT for a handler that ran out of time', () => {
    const error = new MessagingError(MessagingErrorCodes.HANDLER_TIMEOUT, 'handler did not finish within 100 ms');
    expect(replyFor('u1', 'chain1', { ok: false, error })).toEqual({
      uid: 'u1',
      service: 'chain1',
      ok: false,
      error: { code: 'HANDLER_TIMEOUT', message: 'handler did not finish within 100 ms' },
    });
  });

  it('replies HANDLER_ERROR for any other error, with its message', () => {
    expect(replyFor('u1', 'chain1', { ok: false, error: new TypeError('x is undefined') }).valueOf()).toEqual({
      uid: 'u1',
      service: 'chain1',
      ok: false,
      error: { code: 'HANDLER_ERROR', message: 'x is undefined' },
    });
    expect(replyFor('u1', 'chain1', { ok: false, error: new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'down') })).toMatchObject(
      {
        error: { code: 'HANDLER_ERROR', message: 'down' },
      },
    );
  });

  it('replies HANDLER_ERROR for a thrown non-Error', () => {
    expect(replyFor('u1', 'chain1', { ok: false, error: 'plain string' })).toMatchObject({
      ok: false,
      error: { code: 'HANDLER_ERROR', message: 'plain string' },
    });
    expect(replyFor('u1', 'chain1', { ok: false, error: undefined })).toMatchObject({
      ok: false,
      error: { code: 'HANDLER_ERROR', message: 'undefined' },
    });
  });
});
