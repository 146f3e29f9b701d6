import { createLogger, MessagingError, MessagingErrorCodes } from '@gateway/messaging';
import type { RunnableService } from './ports';
import { installShutdown } from './install-shutdown';
import { runService, type ServiceSettings } from './run-service';

const settings: ServiceSettings = { logLevel: 'silent', logFormat: 'json', shutdownGraceMs: 1000 };

/** A service that records what was done to it. */
function recordingService(start: () => Promise<void> = async () => undefined) {
  const events: string[] = [];
  const service: RunnableService = {
    start: async () => {
      events.push('start');
      await start();
    },
    close: async () => {
      events.push('close');
    },
  };
  return { service, events };
}

// Up to 3 s: an exit waits for buffered log lines (at most a second).
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('runService, the bootstrap of every service', () => {
  let exits: number[];
  let stderr: string[];

  beforeEach(() => {
    exits = [];
    stderr = [];
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code ?? 0)) as never);
    jest.spyOn(process.stderr, 'write').mockImplementation(((text: string) => stderr.push(text)) as never);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  });

  it('exits 2 naming the variable when the settings are invalid, and builds nothing', async () => {
    const build = jest.fn();
    await runService({
      name: 'tax',
      readConfig: () => {
        throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'LEASE_TTL_SECONDS must be an integer');
      },
      build,
    });
    expect(exits).toEqual([2]);
    expect(stderr.join('')).toBe('tax: invalid configuration: LEASE_TTL_SECONDS must be an integer\n');
    expect(build).not.toHaveBeenCalled();
  });

  it('closes what it built and exits 1 when the start fails', async () => {
    const { service, events } = recordingService(() => Promise.reject(new Error('kafka unreachable')));
    await runService({ name: 'tax', readConfig: () => settings, build: () => service });
    await until(() => exits.length > 0);
    expect(events).toEqual(['start', 'close']);
    expect(exits[0]).toBe(1);
  });

  it('starts the service and returns it', async () => {
    const { service, events } = recordingService();
    expect(await runService({ name: 'tax', readConfig: () => settings, build: () => service })).toBe(service);
    expect(events).toEqual(['start']);
  });
});

describe('installShutdown, the SIGTERM path', () => {
  let exits: number[];
  const logger = createLogger('tax', 'silent');

  beforeEach(() => {
    exits = [];
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code ?? 0)) as never);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  });

  it('closes once, whatever the signals that follow, and exits 0', async () => {
    let closes = 0;
    const stop = installShutdown(logger, async () => void closes++, 1000);
    stop('SIGTERM');
    stop('SIGINT');
    await until(() => exits.length > 0);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when closing fails or takes longer than the grace period', async () => {
    installShutdown(logger, () => Promise.reject(new Error('stuck')), 1000)('SIGTERM');
    await until(() => exits.length > 0);
    installShutdown(logger, () => new Promise(() => undefined), 50)('SIGTERM');
    await until(() => exits.length > 1);
    expect(exits).toEqual([1, 1]);
  });
});
