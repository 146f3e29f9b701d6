import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * A JSON-lines logger for a service; children add `component` (and `uid` where a request is
 * concerned). It writes to stdout asynchronously, so a log line never blocks a request on a slow
 * pipe; pino flushes what is buffered when the process exits.
 */
export function createLogger(service: string, level: string): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
