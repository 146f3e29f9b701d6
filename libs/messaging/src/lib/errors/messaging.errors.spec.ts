import { hasCode, MessagingError, MessagingErrorCodes, type MessagingErrorCode } from './messaging.errors';

const codes = Object.values(MessagingErrorCodes) as MessagingErrorCode[];

describe('MessagingErrorCodes', () => {
  it('holds unique codes, each prefixed MSG_', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^MSG_[A-Z_]+$/);
  });

  it('names each code after its key', () => {
    for (const [key, code] of Object.entries(MessagingErrorCodes)) expect(code).toBe(`MSG_${key}`);
  });

  it.each(codes)('%s is retriable only for KAFKA_UNAVAILABLE', (code) => {
    expect(new MessagingError(code, 'x').retriable).toBe(code === MessagingErrorCodes.KAFKA_UNAVAILABLE);
  });
});

describe('MessagingError', () => {
  it('carries code, context, cause and name', () => {
    const cause = new Error('root');
    const error = new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'send failed', { topic: 'ops.resp', uid: 'u1' }, cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MessagingError');
    expect(error.message).toBe('send failed');
    expect(error.code).toBe('MSG_KAFKA_UNAVAILABLE');
    expect(error.context).toEqual({ topic: 'ops.resp', uid: 'u1' });
    expect(error.cause).toBe(cause);
  });

  it('defaults to an empty context and no cause', () => {
    const error = new MessagingError(MessagingErrorCodes.CLOSED, 'closed');
    expect(error.context).toEqual({});
    expect('cause' in error).toBe(false);
  });
});

describe('hasCode', () => {
  it('matches a MessagingError by code only', () => {
    const error = new MessagingError(MessagingErrorCodes.EMPTY, 'x');
    expect(hasCode(error, MessagingErrorCodes.EMPTY)).toBe(true);
    expect(hasCode(error, MessagingErrorCodes.NOT_JSON)).toBe(false);
    expect(hasCode(Object.assign(new Error('x'), { code: 'MSG_EMPTY' }), MessagingErrorCodes.EMPTY)).toBe(false);
    expect(hasCode(undefined, MessagingErrorCodes.EMPTY)).toBe(false);
  });
});
