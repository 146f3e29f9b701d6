import {
  createLogger,
  DeadLetterQueue,
  describeSecurity,
  ensureTopics,
  fetchSettings,
  KafkaPublisher,
  MessageConsumer,
  publisherOptions,
  type ChainRequest,
  type KafkaTransport,
  type Logger,
} from '@gateway/messaging';
import type { HealthEndpoint, Registration, RunnableService } from '@gateway/service';
import { readChainConfig, type ChainConfig } from './chain.config';
import { ChainMetrics } from './chain.metrics';
import { createChainParts, type ChainParts } from './chain.parts';
import { ChainRequestHandler } from './chain-request.handler';
import type { ChainCounters, ChainServiceOptions } from './chain.types';

export type { ChainContext, ChainCounters, ChainHandler, ChainServiceOptions } from './chain.types';

/** How long a draining chain keeps consuming after it marked itself draining. */
const DRAIN_NOTICE_MS = 250;

/**
 * A chain service: consumes `<name>.req`, runs the handler with a time limit, replies to the
 * `reply-to` topic (and `reply-partition`) of each request, commits only after the reply is sent,
 * and stays registered in discovery under a lease while it runs. Its parts — Kafka client,
 * registration, health endpoint — are the real ones unless given ({@link ChainParts}).
 */
export class ChainService implements RunnableService {
  readonly config: ChainConfig;
  readonly logger: Logger;
  readonly counters: ChainCounters = { handled: 0, failed: 0, expired: 0 };
  readonly metrics: ChainMetrics;
  private readonly transport: KafkaTransport;
  private readonly registration: Registration;
  private readonly health: HealthEndpoint | undefined;
  private readonly publisher: KafkaPublisher;
  private readonly consumer: MessageConsumer<ChainRequest>;
  private readonly topic: string;
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(options: ChainServiceOptions, parts?: ChainParts) {
    const { name } = options;
    const config = (this.config = options.config ?? readChainConfig());
    const logger = (this.logger = options.logger ?? createLogger(name, config.logLevel, config.logFormat));
    this.topic = config.topics.chainRequest(name);
    const { transport, registration, health } = parts ?? createChainParts(name, this.topic, config, logger);
    this.transport = transport;
    this.registration = registration;
    const metrics = (this.metrics = new ChainMetrics(name));
    this.health = health?.({ readiness: () => this.readinessProblems(), registry: metrics.registry });
    this.publisher = new KafkaPublisher(transport.createProducer(), logger, publisherOptions(config.kafkaTuning));
    const requests = new ChainRequestHandler({
      name,
      topic: this.topic,
      handler: options.handler,
      config,
      logger,
      metrics,
      counters: this.counters,
    });
    this.consumer = new MessageConsumer<ChainRequest>({
      transport,
      groupId: `${config.topicPrefix}${name}`,
      topic: this.topic,
      logger,
      publisher: this.publisher,
      deadLetters: new DeadLetterQueue({
        publisher: this.publisher,
        service: name,
        topic: config.topics.opsDlq,
        logger,
        onDeadLetter: (_topic, code) => metrics.deadLetters.inc({ code }),
        onGivenUp: (_topic, code) => metrics.deadLettersGivenUp.inc({ code }),
      }),
      maxInFlight: config.maxInFlight,
      fetch: fetchSettings(config.kafkaTuning),
      decode: (message) => requests.decode(message),
      handle: (request, message) => requests.handle(request, message),
      // What an operator sees of this instance in etcd (the console's topology): the partitions it reads.
      onAssigned: (partitions) => void registration.annotate({ partitions: [...partitions].sort((a, b) => a - b) }),
    });
  }

  /** Why this chain is not ready (its `/readyz`); empty when it is. */
  readinessProblems(): string[] {
    const problems: string[] = [];
    if (this.phase !== 'started') problems.push('not started');
    if (!this.consumer.ready) problems.push(`consumer of ${this.topic} not in its group or kafka unreachable`);
    if (!this.registration.registered) problems.push('not registered in etcd');
    return problems;
  }

  /** Creates topics, starts consuming, then registers (so ops asks only a listening chain). */
  async start(): Promise<void> {
    if (this.phase !== 'new') return;
    this.phase = 'started';
    const { topicPartitions, topics } = this.config;
    await ensureTopics(
      this.transport.admin,
      [this.topic, topics.opsResp, topics.opsDlq].map((topic) => ({ topic, numPartitions: topicPartitions })),
      this.logger,
    );
    await this.publisher.start();
    await this.consumer.start();
    await this.registration.start();
    const httpPort = await this.health?.start();
    this.logger.info(
      { topic: this.topic, instanceId: this.config.instanceId, httpPort, security: describeSecurity(this.config) },
      'chain service started',
    );
  }

  /**
   * The SIGTERM path (contract §7): marks the registration draining (ops sends no new request but
   * still waits for the ones this instance holds), finishes what it holds, then deregisters and
   * disconnects. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    await this.registration.drain();
    // Broadcasts already on their way when ops saw the mark still arrive: give them a moment.
    await new Promise((resolve) => setTimeout(resolve, DRAIN_NOTICE_MS));
    await this.consumer.close(this.config.shutdownGraceMs);
    await this.registration.close();
    await this.publisher.close();
    await this.health?.close();
    this.logger.info({ counters: this.counters }, 'chain service stopped');
  }
}
