import { MessagingErrorCodes } from '../errors/messaging.errors';
import { invalid, valid, type Validated } from './result';

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain JSON object (not an array, not null). */
export type JsonObject = { [key: string]: unknown };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kafka value as UTF-8 JSON, refusing empty, oversize, non-UTF-8 and non-JSON values
 * with a reason fit for a `dlq-reason` header. Parses once; callers validate the shape.
 */
export function decodeJson(value: Buffer | null | undefined, maxBytes: number): Validated<unknown> {
  if (value === null || value === undefined || value.length === 0) {
    return invalid(MessagingErrorCodes.EMPTY, 'empty value');
  }
  if (value.length > maxBytes) {
    return invalid(MessagingErrorCodes.TOO_LARGE, `value of ${value.length} bytes is over the limit of ${maxBytes}`);
  }
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    return invalid(MessagingErrorCodes.NOT_JSON, 'value is not valid UTF-8');
  }
  try {
    return valid(JSON.parse(text) as unknown);
  } catch (error) {
    return invalid(MessagingErrorCodes.NOT_JSON, `value is not JSON: ${(error as Error).message}`);
  }
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
