import type { OpsAnswer } from '../contract/aggregate';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';

interface Waiting {
  resolve: (answer: OpsAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The requests of one client that wait for their answer, by uid, each with its time limit. */
export class PendingAnswers {
  private readonly waiting = new Map<string, Waiting>();

  /** True while a request with `uid` waits for its answer. */
  has(uid: string): boolean {
    return this.waiting.has(uid);
  }

  /**
   * Starts waiting for the answer to `uid`; the promise rejects with `MSG_REQUEST_TIMEOUT` after
   * `waitMs`. Throws `MSG_DUPLICATE_UID` when `uid` is waited for already.
   */
  wait(uid: string, waitMs: number): Promise<OpsAnswer> {
    if (this.waiting.has(uid)) throw new MessagingError(MessagingErrorCodes.DUPLICATE_UID, `already waiting for ${uid}`, { uid });
    return new Promise<OpsAnswer>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(uid, new MessagingError(MessagingErrorCodes.REQUEST_TIMEOUT, `no answer for ${uid} within ${waitMs} ms`, { uid })),
        waitMs,
      );
      this.waiting.set(uid, { resolve, reject, timer });
    });
  }

  /** Resolves the request waiting for `answer.uid`, if any. */
  settle(answer: OpsAnswer): void {
    this.take(answer.uid)?.resolve(answer);
  }

  /** Rejects the request waiting for `uid`, if any. */
  fail(uid: string, error: Error): void {
    this.take(uid)?.reject(error);
  }

  /** Stops waiting for `uid` without settling its promise (the request was never sent). */
  forget(uid: string): void {
    this.take(uid);
  }

  /** Rejects every request still waiting, each with the error `errorFor` makes for its uid. */
  failAll(errorFor: (uid: string) => Error): void {
    for (const uid of [...this.waiting.keys()]) this.fail(uid, errorFor(uid));
  }

  private take(uid: string): Waiting | undefined {
    const waiting = this.waiting.get(uid);
    if (!waiting) return undefined;
    clearTimeout(waiting.timer);
    this.waiting.delete(uid);
    return waiting;
  }
}
