import { installShutdown, setupTracing, type Tracing } from '@gateway/messaging';
import { readChainConfig, type ChainConfig } from './chain.config';
import { ChainService, type ChainServiceOptions } from './chain.service';

/**
 * Starts a chain service and stops it cleanly on SIGTERM/SIGINT (exit 0), flushing its trace
 * spans on the way out — the few lines a user's own chain needs. Invalid settings exit 2 with the
 * variable named; a failed start exits 1 with the reason logged.
 */
export async function runChainService(options: ChainServiceOptions): Promise<ChainService> {
  let config: ChainConfig;
  let tracing: Tracing;
  try {
    config = options.config ?? readChainConfig();
    tracing = setupTracing(options.name);
  } catch (error) {
    process.stderr.write(`${options.name}: invalid configuration: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const service = new ChainService({ ...options, config });
  installShutdown(service.logger, () => service.close().finally(() => tracing.shutdown()), service.config.shutdownGraceMs);
  try {
    await service.start();
  } catch (error) {
    service.logger.fatal({ err: error }, 'chain service failed to start');
    await service.close().catch(() => undefined);
    await tracing.shutdown().catch(() => undefined);
    process.exit(1);
  }
  return service;
}
