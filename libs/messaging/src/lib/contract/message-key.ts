import { MessagingErrorCodes } from '../errors/messaging.errors';
import { invalid, valid, type Validated } from './result';

/**
 * Contract §2: the message key is the uid. A message without a key, or whose key is not its body's
 * uid, is refused (and dead-lettered by the consumer) rather than guessed at.
 */
export function checkKey<T extends { uid?: string }>(key: Buffer | null, decoded: Validated<T>): Validated<T> {
  if (!decoded.ok) return decoded;
  if (key === null || key.length === 0)
    return invalid(MessagingErrorCodes.ENVELOPE_INVALID, 'message has no key (the key must be the uid)');
  const text = key.toString('utf8');
  if (text !== decoded.value.uid) {
    return invalid(
      MessagingErrorCodes.ENVELOPE_INVALID,
      `key ${JSON.stringify(text.slice(0, 140))} is not the uid ${JSON.stringify(decoded.value.uid ?? null)}`,
    );
  }
  return valid(decoded.value);
}
