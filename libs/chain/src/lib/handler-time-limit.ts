import { MessagingError, MessagingErrorCodes } from '@gateway/messaging';

/**
 * Runs `work` with a time limit: rejects with `MSG_HANDLER_TIMEOUT` when it is reached, and aborts
 * the signal handed to `work` so a well-behaved handler can stop early.
 */
export async function withTimeLimit<T>(work: (signal: AbortSignal) => Promise<T> | T, limitMs: number, uid: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        controller.abort();
        reject(new MessagingError(MessagingErrorCodes.HANDLER_TIMEOUT, `handler did not finish within ${limitMs} ms`, { uid }));
      },
      Math.max(0, limitMs),
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(controller.signal)), expired]);
  } finally {
    clearTimeout(timer);
  }
}
