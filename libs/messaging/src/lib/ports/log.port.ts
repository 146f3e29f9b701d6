/**
 * What the domain and the ports need of a logger: a structured line at four levels, and a child
 * that adds fields to every line. The domain names this rather than pino (the lint rule of
 * eslint.config.mjs keeps client libraries out of it); pino's `Logger` satisfies it as it is, so
 * the adapters and services keep passing theirs.
 */
export interface LogPort {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** A logger that adds `bindings` to every line (`component`, `topic` …). */
  child(bindings: Record<string, unknown>): LogPort;
}
