import { isJsonObject, type JsonObject } from '@gateway/messaging';
import { ChainError } from './chain-error';
import { ChainErrorCodes } from './chain-error-codes';

/** Reads a handler's payload as an object, or fails the request with `BAD_PAYLOAD`. */
export function payloadObject(payload: unknown): JsonObject {
  if (!isJsonObject(payload)) throw new ChainError(ChainErrorCodes.BAD_PAYLOAD, 'payload must be a JSON object');
  return payload;
}

/** A required non-empty string field of the payload, or `BAD_PAYLOAD`. */
export function requireString(payload: JsonObject, field: string): string {
  const value = payload[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new ChainError(ChainErrorCodes.BAD_PAYLOAD, `"${field}" must be a non-empty string`);
  return value;
}

/** A required positive integer field of the payload, or `BAD_PAYLOAD`. */
export function requirePositiveInt(payload: JsonObject, field: string): number {
  const value = payload[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ChainError(ChainErrorCodes.BAD_PAYLOAD, `"${field}" must be a positive integer`);
  return value;
}
