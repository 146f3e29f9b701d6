import { runService } from '@gateway/service';
import { readChainConfig } from './chain.config';
import { ChainService } from './chain.service';
import type { ChainServiceOptions } from './chain.types';

/**
 * Runs a chain service as a process — the few lines a user's own chain needs: the service
 * runtime's bootstrap (settings, logs, tracing, SIGTERM/SIGINT draining, flushing at exit) around
 * a {@link ChainService}. Invalid settings exit 2 with the variable named; a failed start exits 1
 * with the reason logged.
 */
export function runChainService(options: ChainServiceOptions): Promise<ChainService> {
  return runService({
    name: options.name,
    readConfig: () => options.config ?? readChainConfig(),
    build: (config, logger) => new ChainService({ ...options, config, logger: options.logger ?? logger }),
  });
}
