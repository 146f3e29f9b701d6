import type { MessagingErrorCode } from '../errors/messaging.errors';

/** The outcome of a validation: a value, or the reason it was refused (contract §3 rules). */
export type Validated<T> = { ok: true; value: T } | { ok: false; code: MessagingErrorCode; reason: string };

/** A successful validation. */
export function valid<T>(value: T): Validated<T> {
  return { ok: true, value };
}

/** A refused validation with a code of the messaging registry (it becomes the dead letter's `dlq-reason` code) and a reason a human can act on. */
export function invalid<T>(code: MessagingErrorCode, reason: string): Validated<T> {
  return { ok: false, code, reason };
}
