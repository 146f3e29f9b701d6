import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogFormat } from '../config/common.config';

export type { Logger } from 'pino';

/** pino-pretty's factory, as far as it is used here. */
type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/**
 * A logger for a service; children add `component` (and `uid` where a request is concerned).
 *
 * - `json` (the default): JSON lines to stdout, written asynchronously, so a log line never blocks
 *   a request on a slow pipe; pino flushes what is buffered when the process exits.
 * - `pretty`: one coloured line per event, prefixed by the service, for a person at a terminal
 *   (`npm start` sets LOG_FORMAT=pretty when its output is one). It needs pino-pretty, a
 *   development package: where it is not installed (a production image) the logger says so once
 *   and writes JSON.
 *
 * `out` replaces stdout (tests).
 */
export function createLogger(service: string, level: string, format: LogFormat = 'json', out?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const pretty = format === 'pretty' ? loadPrettyFactory() : undefined;
  if (pretty) {
    return pino(
      options,
      pretty({
        colorize: true,
        singleLine: true,
        translateTime: 'HH:MM:ss.l',
        ignore: 'pid,hostname,service',
        messageFormat: `${service.padEnd(6)} {msg}`,
        // Only a thrown Error (`err`) gets lines of its own; a reply's `error` ({ code, message }) stays on the line.
        errorLikeObjectKeys: ['err'],
        sync: true,
        ...(out ? { destination: out } : {}),
      }),
    );
  }
  const logger = pino(options, out ?? pino.destination({ dest: 1, sync: false }));
  if (format === 'pretty') logger.warn('LOG_FORMAT=pretty needs the pino-pretty package, which is not installed: logging JSON');
  return logger;
}

/** pino-pretty, when it is installed (a development dependency, resolved at run time, never bundled). */
function loadPrettyFactory(): PrettyFactory | undefined {
  try {
    return createRequire(__filename)('pino-pretty') as PrettyFactory;
  } catch {
    return undefined;
  }
}
