/** The outcome of a validation: a value, or the reason it was refused (contract §3 rules). */
export type Validated<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

/** A successful validation. */
export function valid<T>(value: T): Validated<T> {
  return { ok: true, value };
}

/** A refused validation with a code from the error registry and a reason a human can act on. */
export function invalid<T>(code: string, reason: string): Validated<T> {
  return { ok: false, code, reason };
}
