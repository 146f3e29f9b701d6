import type { Logger } from '@gateway/messaging';
import type { ChainConfig } from './chain.config';

/** What a handler knows of the request besides its payload. */
export interface ChainContext {
  uid: string;
  /** Epoch ms after which ops no longer waits. */
  deadline: number;
  /** Aborted when the handler's time limit is reached. */
  signal: AbortSignal;
  /** A logger that carries the request's uid. */
  logger: Logger;
}

/** A chain's operation: returns the result, or throws (a ChainError for a code of its own). */
export type ChainHandler = (payload: unknown, context: ChainContext) => Promise<unknown> | unknown;

/** Options of {@link ChainService}. */
export interface ChainServiceOptions {
  /** The service name: its topic is `<name>.req`, its consumer group `<name>`. */
  name: string;
  handler: ChainHandler;
  /** Settings; read from the environment when omitted. */
  config?: ChainConfig;
  logger?: Logger;
}

/** Counts a chain keeps, for logs and metrics. */
export interface ChainCounters {
  handled: number;
  failed: number;
  expired: number;
}
