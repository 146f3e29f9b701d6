import { createLogger, installShutdown, isKafkaThread, runKafkaThread, setupTracing, type Tracing } from '@gateway/messaging';
import { readOpsConfig } from './app/ops.config';
import { OpsRuntime } from './app/ops.runtime';

async function main(): Promise<void> {
  let config;
  try {
    config = readOpsConfig();
  } catch (error) {
    process.stderr.write(`ops: invalid configuration: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger('ops', config.logLevel, config.logFormat);
  let tracing: Tracing;
  try {
    tracing = setupTracing('ops');
  } catch (error) {
    process.stderr.write(`ops: invalid configuration: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // The Kafka thread (OPS_KAFKA_THREAD) runs this same bundle; it must die with ops.
  const runtime = new OpsRuntime(config, logger, {
    kafkaThreadEntry: __filename,
    onKafkaThreadExit: (error) => {
      logger.fatal({ err: error }, 'the Kafka thread ended: ops cannot reach Kafka any more');
      process.exit(1);
    },
  });
  installShutdown(logger, () => runtime.close().finally(() => tracing.shutdown()), config.shutdownGraceMs);
  try {
    await runtime.start();
  } catch (error) {
    logger.fatal({ err: error }, 'ops failed to start');
    await runtime.close().catch(() => undefined);
    process.exit(1);
  }
}

if (isKafkaThread()) runKafkaThread();
else void main();
