import { RegistryReader, type Etcd3 } from '@gateway/discovery';
import { MessageConsumer, NO_OUTPUT, valid } from '@gateway/messaging';
import type { Logger } from 'pino';
import type { ConsoleDeadLetter } from '../console/console.events';
import { consoleAssetsDir } from '../console/console.routes';
import { toConsoleDeadLetter } from '../console/dead-letter-tail';
import { OpsConsole } from '../console/ops-console';
import { buildTopology } from '../console/topology';
import type { LoadGauge } from '../console/traffic-window';
import type { OpsConfig } from '../ops.config';
import { replyClaimsPrefix } from '../reply-partition';
import type { KafkaParts } from './kafka.parts';

/** The console and what feeds it from outside ops' request path. */
export interface ConsoleParts {
  console: OpsConsole;
  /** The page's files. */
  assetsDir: string;
  /** Reads `ops.dlq` from its end, for the console's dead letters (a group of this instance alone, nothing committed). */
  deadLetterReader: MessageConsumer<ConsoleDeadLetter>;
}

/** What the console reads, besides the configuration. */
export interface ConsoleSources {
  etcd: Etcd3;
  kafka: KafkaParts;
  logger: Logger;
  replyPartition: () => number | undefined;
  gauge: () => LoadGauge;
}

/** The console when OPS_CONSOLE is on (and its page is there); undefined otherwise. */
export function createConsoleParts(config: OpsConfig, sources: ConsoleSources): ConsoleParts | undefined {
  if (!config.console.enabled) return undefined;
  const { etcd, kafka, logger } = sources;
  const assetsDir = consoleAssetsDir();
  if (!assetsDir) {
    logger.warn('the console page is missing from this build: /console is not served');
    return undefined;
  }
  const registry = new RegistryReader(etcd, config.discoveryPrefix);
  const claimsPrefix = replyClaimsPrefix(config.topics.opsResp);
  const console = new OpsConsole({
    instanceId: config.instanceId,
    ringSize: config.console.ringSize,
    replyPartition: sources.replyPartition,
    gauge: sources.gauge,
    readTopology: async () => {
      const [instances, claims] = await Promise.all([registry.instances(), registry.claims(claimsPrefix)]);
      return buildTopology(instances, claims, Date.now());
    },
    logger,
  });
  const deadLetterReader = new MessageConsumer<ConsoleDeadLetter>({
    transport: kafka.transport,
    groupId: `${config.topicPrefix}ops-console-${config.instanceId}`,
    topic: config.topics.opsDlq,
    logger,
    commit: false,
    publisher: kafka.publisher,
    deadLetters: kafka.deadLetters,
    fetch: kafka.fetch,
    decode: (message) => valid(toConsoleDeadLetter(message)),
    handle: (entry) => {
      console.deadLetter(entry);
      return NO_OUTPUT;
    },
  });
  return { console, assetsDir, deadLetterReader };
}
