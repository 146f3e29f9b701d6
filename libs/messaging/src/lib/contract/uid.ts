import { randomUUID } from 'node:crypto';

/** Contract §3: 1–128 chars of [A-Za-z0-9._:-]. */
export const UID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** True when `value` is a valid request uid. */
export function isValidUid(value: unknown): value is string {
  return typeof value === 'string' && UID_PATTERN.test(value);
}

/** A fresh uid for a request whose client gave none. */
export function newUid(): string {
  return randomUUID();
}
