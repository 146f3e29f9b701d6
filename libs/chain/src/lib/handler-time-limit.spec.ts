import { MessagingError, MessagingErrorCodes } from '@gateway/messaging';
import { withTimeLimit } from './handler-time-limit';

describe('withTimeLimit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the result of a synchronous handler', async () => {
    await expect(withTimeLimit(() => 42, 100, 'u1')).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves with the result of a handler that finishes in time, and clears its timer', async () => {
    let seen: AbortSignal | undefined;
    const result = withTimeLimit(
      (signal) => {
        seen = signal;
        return new Promise<string>((resolve) => setTimeout(() => resolve('done'), 50));
      },
      100,
      'u1',
    );
    await jest.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe('done');
    expect(seen?.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("passes the handler's own rejection through", async () => {
    const boom = new Error('boom');
    await expect(withTimeLimit(() => Promise.reject(boom), 100, 'u1')).rejects.toBe(boom);
  });

  it('passes a synchronous throw through as a rejection', async () => {
    const boom = new Error('sync boom');
    await expect(
      withTimeLimit(
        () => {
          throw boom;
        },
        100,
        'u1',
      ),
    ).rejects.toBe(boom);
  });

  it('rejects with MSG_HANDLER_TIMEOUT and aborts the signal when the handler is slow', async () => {
    let seen: AbortSignal | undefined;
    const result = withTimeLimit(
      (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      },
      100,
      'order-7',
    );
    const outcome = result.then(
      () => undefined,
      (error: unknown) => error,
    );
    await jest.advanceTimersByTimeAsync(99);
    expect(seen?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(MessagingError);
    expect((error as MessagingError).code).toBe(MessagingErrorCodes.HANDLER_TIMEOUT);
    expect((error as MessagingError).context.uid).toBe('order-7');
    expect((error as MessagingError).message).toContain('100 ms');
    expect(seen?.aborted).toBe(true);
  });

  it('treats a negative limit as zero', async () => {
    const outcome = withTimeLimit(() => new Promise<never>(() => undefined), -5, 'u1').catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(0);
    expect(((await outcome) as MessagingError).code).toBe(MessagingErrorCodes.HANDLER_TIMEOUT);
  });
});
