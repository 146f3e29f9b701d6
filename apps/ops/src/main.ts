import { isKafkaThread, runKafkaThread } from '@gateway/messaging';
import { runService } from '@gateway/service';
import { readOpsConfig } from './app/ops.config';
import { OpsRuntime } from './app/ops.runtime';

if (isKafkaThread()) {
  // The Kafka thread (OPS_KAFKA_THREAD) runs this same bundle: it serves ops' Kafka clients.
  runKafkaThread();
} else {
  void runService({
    name: 'ops',
    readConfig: () => readOpsConfig(),
    build: (config, logger) =>
      new OpsRuntime(config, logger, {
        kafkaThreadEntry: __filename,
        // The thread must die with ops, and ops with it.
        onKafkaThreadExit: (error) => {
          logger.fatal({ err: error }, 'the Kafka thread ended: ops cannot reach Kafka any more');
          process.exit(1);
        },
      }),
  });
}
