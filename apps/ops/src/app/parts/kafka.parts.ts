import {
  createKafkaTransport,
  DeadLetterQueue,
  ensureTopics,
  fetchSettings,
  KafkaPublisher,
  publisherOptions,
  startKafkaThread,
  type FetchSettings,
  type KafkaTransport,
  type TopicAdmin,
} from '@gateway/messaging';
import type { Logger } from 'pino';
import type { OpsConfig } from '../ops.config';
import type { OpsMetrics } from '../ops.metrics';

/** Where ops' Kafka thread comes from (OPS_KAFKA_THREAD): without it, the clients run on the main thread. */
export interface KafkaThreadSettings {
  /** The script the thread runs: ops' bundle, whose entry point runs the thread's work there. */
  kafkaThreadEntry: string;
  /** The thread ended: ops can no longer reach Kafka. */
  onKafkaThreadExit: (error: Error) => void;
}

/** ops' side of Kafka that every consumer shares: the clients, one publisher, one dead-letter queue. */
export interface KafkaParts {
  transport: KafkaTransport;
  fetch: FetchSettings;
  publisher: KafkaPublisher;
  deadLetters: DeadLetterQueue;
}

/** The Kafka clients (on their own thread when OPS_KAFKA_THREAD and `thread` say so), the publisher and `ops.dlq`. */
export function createKafkaParts(config: OpsConfig, logger: Logger, metrics: OpsMetrics, thread?: KafkaThreadSettings): KafkaParts {
  const clientOptions = {
    client: config.kafkaClient,
    brokers: config.kafkaBrokers,
    security: config.kafkaSecurity,
    clientId: `ops-${config.instanceId}`,
    logger,
  };
  const transport =
    config.kafkaThread && thread
      ? startKafkaThread({
          ...clientOptions,
          entry: thread.kafkaThreadEntry,
          service: 'ops',
          logLevel: config.logLevel,
          logFormat: config.logFormat,
          onExit: thread.onKafkaThreadExit,
        })
      : createKafkaTransport(clientOptions);
  const publisher = new KafkaPublisher(transport.createProducer(), logger, publisherOptions(config.kafkaTuning));
  const deadLetters = new DeadLetterQueue({
    publisher,
    service: 'ops',
    topic: config.topics.opsDlq,
    logger,
    onDeadLetter: (topic, code) => metrics.deadLetters.inc({ topic, code }),
    onGivenUp: (topic, code) => metrics.deadLettersGivenUp.inc({ topic, code }),
  });
  return { transport, fetch: fetchSettings(config.kafkaTuning), publisher, deadLetters };
}

/**
 * The topics ops knows to exist: its own, created at start, and every reply-to topic a request
 * named — created once, however many requests name it at the same time.
 */
export class KnownTopics {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: TopicAdmin,
    private readonly numPartitions: number,
    private readonly logger: Logger,
  ) {}

  /** Creates those of `topics` that do not exist yet; resolves once all of them do. */
  async ensureAll(topics: string[]): Promise<void> {
    await ensureTopics(
      this.admin,
      topics.map((topic) => ({ topic, numPartitions: this.numPartitions })),
      this.logger,
    );
    topics.forEach((topic) => this.known.set(topic, Promise.resolve()));
  }

  /** Creates `topic` unless it is known, sharing one attempt among the requests that wait for it. */
  ensure(topic: string): Promise<void> {
    let known = this.known.get(topic);
    if (!known) {
      known = ensureTopics(this.admin, [{ topic, numPartitions: this.numPartitions }], this.logger);
      this.known.set(topic, known);
      known.catch(() => this.known.delete(topic)); // try again with the next request
    }
    return known;
  }
}
