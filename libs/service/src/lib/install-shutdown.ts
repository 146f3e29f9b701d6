import type { Logger } from 'pino';

/**
 * Installs SIGTERM/SIGINT handling that runs `close` once and exits 0, or 1 if it fails or
 * outlasts `graceMs`; also logs (and exits on) an uncaught exception or unhandled rejection.
 * Buffered log lines are written out before the process exits. Returns the stop function the
 * signals call.
 */
export function installShutdown(logger: Logger, close: () => Promise<void>, graceMs: number): (signal: string) => void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period exceeded');
      exitAfterFlush(logger, 1);
    }, graceMs);
    close().then(
      () => {
        clearTimeout(timer);
        exitAfterFlush(logger, 0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitAfterFlush(logger, 1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    exitAfterFlush(logger, 1);
  });
  return stop;
}

/** How long an exit waits for buffered log lines to be written (a stuck stdout must not keep the process). */
const FLUSH_LIMIT_MS = 1000;

/** Exits with `code` once the logger's buffered lines are written (or after {@link FLUSH_LIMIT_MS}). */
export function exitAfterFlush(logger: Logger, code: number): void {
  const limit = setTimeout(() => process.exit(code), FLUSH_LIMIT_MS);
  limit.unref();
  logger.flush(() => {
    clearTimeout(limit);
    process.exit(code);
  });
}
