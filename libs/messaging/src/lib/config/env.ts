import { readFileSync } from 'node:fs';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { Secret } from '../security/secret';

/** The environment to read configuration from (process.env by default). */
export type Env = Record<string, string | undefined>;

/** The error of a malformed setting: `MSG_CONFIG_INVALID`, its message starting with the variable's name. */
export function invalidSetting(variable: string, message: string): MessagingError {
  return new MessagingError(MessagingErrorCodes.CONFIG_INVALID, `${variable}: ${message}`, { variable });
}

function fail(variable: string, message: string): never {
  throw invalidSetting(variable, message);
}

/**
 * The file a variable names (tokens, a certificate, a key), read now so that a bad one stops the
 * service at start; undefined when the variable is unset. Only the path shows in an error, never
 * what the file holds.
 */
export function readFileNamed(env: Env, variable: string): { path: string; content: Buffer } | undefined {
  const path = env[variable];
  if (path === undefined || path.trim() === '') return undefined;
  try {
    return { path, content: readFileSync(path) };
  } catch (error) {
    return fail(variable, `cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * A credential given either in `variable` itself or in the file `<variable>_FILE` names (the
 * Docker and Kubernetes secrets habit; one trailing line break is dropped), not both; undefined
 * when neither is set. The value never shows in an error.
 */
export function readSecret(env: Env, variable: string): Secret | undefined {
  const fileVariable = `${variable}_FILE`;
  const inline = env[variable];
  const file = readFileNamed(env, fileVariable);
  if (inline !== undefined && file) fail(variable, `is set, and so is ${fileVariable}: give one of them`);
  const value = file ? file.content.toString('utf8').replace(/\r?\n$/, '') : inline;
  if (value === undefined) return undefined;
  if (value === '') fail(file ? fileVariable : variable, file ? `${file.path} is empty` : 'must not be empty');
  return new Secret(value);
}

/** A string variable, or its default; an empty value counts as malformed. */
export function readString(env: Env, variable: string, fallback: string): string {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') fail(variable, 'must not be empty');
  return raw.trim();
}

/** A string variable that must match `pattern`, or its default. */
export function readMatching(env: Env, variable: string, fallback: string, pattern: RegExp, what: string): string {
  const value = readString(env, variable, fallback);
  if (!pattern.test(value)) fail(variable, `"${value}" is not ${what}`);
  return value;
}

/** An integer variable within [min, max], or its default. */
export function readInt(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) fail(variable, `must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) fail(variable, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** A decimal number within [min, max], or its default. */
export function readNumber(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) fail(variable, `must be a number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) fail(variable, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** A comma-separated list, each item checked by `pattern`. */
export function readList(env: Env, variable: string, fallback: string[], pattern: RegExp, what: string): string[] {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) fail(variable, 'must list at least one value');
  for (const item of items) if (!pattern.test(item)) fail(variable, `"${item}" is not ${what}`);
  return items;
}

/** One of a fixed set of values. */
export function readChoice<T extends string>(env: Env, variable: string, fallback: T, choices: readonly T[]): T {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  const value = raw.trim() as T;
  if (!choices.includes(value)) fail(variable, `must be one of ${choices.join(', ')}, got "${raw}"`);
  return value;
}
