import { createLogger, setupTracing, type LogFormat, type Logger, type Tracing } from '@gateway/messaging';
import { exitAfterFlush, installShutdown } from './install-shutdown';
import type { RunnableService } from './ports';

/** The settings the runtime itself reads from a service's configuration. */
export interface ServiceSettings {
  logLevel: string;
  logFormat: LogFormat;
  /** How long SIGTERM may take before the process exits anyway. */
  shutdownGraceMs: number;
}

/** How to run one service: its name, how it reads its settings, how it builds its parts. */
export interface ServiceDefinition<C extends ServiceSettings, S extends RunnableService> {
  /** The service's name: its logs' `service`, its traces' `service.name`. */
  name: string;
  /** Reads the settings; throws an error that names the variable when one is malformed. */
  readConfig: () => C;
  /** Builds the parts, connecting nothing yet. */
  build: (config: C, logger: Logger) => S;
}

/**
 * The one bootstrap of every service (ops and each chain): reads the settings (exit 2 with the
 * variable named when one is malformed), sets up logging and tracing, builds the parts, installs
 * SIGTERM/SIGINT handling that drains within `shutdownGraceMs` (exit 0, or 1 if it fails or
 * outlasts the grace), starts (exit 1 with the reason logged if it fails), and flushes trace spans
 * and buffered log lines before the process exits.
 */
export async function runService<C extends ServiceSettings, S extends RunnableService>(definition: ServiceDefinition<C, S>): Promise<S> {
  const { name } = definition;
  let config: C;
  let tracing: Tracing;
  try {
    config = definition.readConfig();
    tracing = setupTracing(name);
  } catch (error) {
    process.stderr.write(`${name}: invalid configuration: ${(error as Error).message}\n`);
    return process.exit(2);
  }
  const logger = createLogger(name, config.logLevel, config.logFormat);
  const service = definition.build(config, logger);
  const flush = () => tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'trace spans not flushed'));
  installShutdown(logger, () => service.close().finally(flush), config.shutdownGraceMs);
  try {
    await service.start();
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    await service.close().catch(() => undefined);
    await flush();
    exitAfterFlush(logger, 1);
  }
  return service;
}
