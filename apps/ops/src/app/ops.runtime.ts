import { CatalogSync, createEtcdClient, PartitionClaim, ServiceCatalog, ServiceRegistration, type Etcd3 } from '@gateway/discovery';
import {
  createKafkaTransport,
  startKafkaThread,
  DeadLetterQueue,
  ensureTopics,
  fetchSettings,
  publisherOptions,
  partitionCount,
  KafkaPublisher,
  ScatterGatherAggregator,
  type ChainReply,
  type FetchSettings,
  type KafkaTransport,
  type MessageConsumer,
} from '@gateway/messaging';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Admission, FixedLimit } from './admission/admission';
import { GRADIENT_DEFAULTS, GradientLimit } from './admission/gradient-limit';
import { LoopDelayProbe } from './loop-delay';
import { Gateway } from './gateway';
import { createHttpServer } from './http/http.server';
import { createKafkaIngress, type IngressRequest } from './kafka-ingress';
import type { OpsConfig } from './ops.config';
import { OpsMetrics } from './ops.metrics';
import { createReplyListener } from './reply-listener';

/** How long replies already on their way may still arrive after a service's last instance left, ms. */
export const LEFT_GRACE_MS = 500;

/** Where ops' Kafka thread comes from (OPS_KAFKA_THREAD): without it, the clients run on the main thread. */
export interface KafkaThreadSettings {
  /** The script the thread runs: ops' bundle, whose entry point runs the thread's work there. */
  kafkaThreadEntry: string;
  /** The thread ended: ops can no longer reach Kafka. */
  onKafkaThreadExit: (error: Error) => void;
}

/**
 * Everything ops runs, wired together: Kafka publisher and consumers, the etcd catalog and its own
 * registration, the aggregator, the gateway and the HTTP server. `start()` brings them up in an
 * order that loses no reply; `close()` drains and takes them down in reverse.
 */
export class OpsRuntime {
  readonly metrics = new OpsMetrics();
  readonly catalog = new ServiceCatalog();
  readonly aggregator: ScatterGatherAggregator;
  readonly admission: Admission;
  private readonly loopDelay = new LoopDelayProbe();
  readonly gateway: Gateway;
  readonly http: FastifyInstance;
  private readonly transport: KafkaTransport;
  private readonly publisher: KafkaPublisher;
  private replies: MessageConsumer<ChainReply> | undefined;
  private claim: PartitionClaim | undefined;
  private readonly deadLetters: DeadLetterQueue;
  private readonly fetch: FetchSettings;
  /** The partition of ops.resp the reply consumer reads. */
  private listening: number | undefined;
  private readonly ingress: MessageConsumer<IngressRequest>;
  private readonly etcd: Etcd3;
  private readonly catalogSync: CatalogSync;
  private readonly registration: ServiceRegistration;
  private readonly knownTopics = new Map<string, Promise<void>>();
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(
    readonly config: OpsConfig,
    private readonly logger: Logger,
    thread?: KafkaThreadSettings,
  ) {
    const { metrics } = this;
    const clientOptions = { client: config.kafkaClient, brokers: config.kafkaBrokers, clientId: `ops-${config.instanceId}`, logger };
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
    this.transport = transport;
    this.fetch = fetchSettings(config.kafkaTuning);
    this.publisher = new KafkaPublisher(transport.createProducer(), logger, publisherOptions(config.kafkaTuning));
    const { topics } = config;
    const deadLetters = new DeadLetterQueue({
      publisher: this.publisher,
      service: 'ops',
      topic: topics.opsDlq,
      logger,
      onDeadLetter: (topic, code) => metrics.deadLetters.inc({ topic, code }),
      onGivenUp: (topic, code) => metrics.deadLettersGivenUp.inc({ topic, code }),
    });
    this.deadLetters = deadLetters;
    this.aggregator = new ScatterGatherAggregator({
      onAggregate: (aggregate) => {
        for (const [service, result] of Object.entries(aggregate.results)) {
          if (result.status === 'ok' || result.status === 'error') {
            metrics.serviceLatency.observe({ service, status: result.status }, result.latencyMs / 1000);
          }
        }
      },
    });
    this.admission = createAdmission(config, metrics);
    this.gateway = new Gateway({
      catalog: this.catalog,
      aggregator: this.aggregator,
      publisher: this.publisher,
      logger,
      replyTopic: topics.opsResp,
      replyPartition: () => this.claim?.partition,
      defaultTimeoutMs: config.defaultTimeoutMs,
      admission: this.admission,
      onAnswer: (answer, source, seconds) => {
        const outcome =
          answer.status === 'error'
            ? answer.error.code
            : answer.missing.length === Object.keys(answer.results).length
              ? 'timeout'
              : answer.status;
        metrics.requests.inc({ source, outcome });
        metrics.latency.observe({ source }, seconds);
      },
    });

    this.ingress = createKafkaIngress({
      transport,
      groupId: config.groupId,
      topics,
      gateway: this.gateway,
      publisher: this.publisher,
      deadLetters,
      logger,
      maxMessageBytes: config.maxMessageBytes,
      maxInFlight: config.maxInFlight,
      maxClockSkewMs: config.maxClockSkewMs,
      ensureTopic: (topic) => this.ensureTopic(topic),
      fetch: this.fetch,
    });
    this.etcd = createEtcdClient(config.etcdEndpoints);
    this.catalogSync = new CatalogSync({ client: this.etcd, catalog: this.catalog, prefix: config.discoveryPrefix, logger });
    this.registration = new ServiceRegistration({
      client: this.etcd,
      ttlSeconds: config.leaseTtlSeconds,
      prefix: config.discoveryPrefix,
      logger,
      record: {
        name: 'ops',
        kind: 'gateway',
        topic: topics.opsReq,
        instanceId: config.instanceId,
        pid: process.pid,
        startedAt: new Date().toISOString(),
      },
    });
    this.catalog.on('service-down', (name) => {
      logger.info({ serviceName: name }, 'service left');
      // Not at once: a chain that deregisters as it stops has just had its last replies
      // acknowledged, and etcd's event can reach ops before its consumer has fetched them.
      const timer = setTimeout(() => {
        if (this.catalog.get(name) === undefined) this.aggregator.serviceLeft(name);
      }, LEFT_GRACE_MS);
      timer.unref();
    });
    this.catalog.on('service-up', (name) => logger.info({ serviceName: name }, 'service joined'));
    this.http = createHttpServer({
      gateway: this.gateway,
      catalog: this.catalog,
      metrics,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      readiness: () => this.readinessProblems(),
      beforeScrape: () => this.updateGauges(),
      onShed: () => metrics.shed.inc({ source: 'http' }),
    });
  }

  /** Why ops is not ready (contract §4 `/readyz`); empty when it is. */
  readinessProblems(): string[] {
    const problems: string[] = [];
    if (this.phase !== 'started') problems.push('not started');
    if (!this.publisher.connected) problems.push('kafka producer not connected');
    if (this.claim?.partition === undefined) problems.push('no reply partition of ops.resp claimed');
    if (!this.replies?.ready) problems.push('reply consumer does not hold its partition or kafka is unreachable');
    if (!this.catalogSync.loaded) problems.push('catalog not loaded');
    if (!this.catalogSync.connected) problems.push('etcd not connected');
    return problems;
  }

  /** Brings ops up: topics, producer, reply consumer (before any broadcast), catalog, ingress, HTTP. */
  async start(): Promise<void> {
    if (this.phase !== 'new') return;
    const { config } = this;
    const { opsReq, opsResp, opsAgg, opsDlq } = config.topics;
    const topics = [opsReq, opsResp, opsAgg, opsDlq];
    await ensureTopics(
      this.transport.admin,
      topics.map((topic) => ({ topic, numPartitions: config.topicPartitions })),
      this.logger,
    );
    topics.forEach((topic) => this.knownTopics.set(topic, Promise.resolve()));
    await this.publisher.start();
    await this.catalogSync.start();
    await this.claimReplyPartition();
    await this.registration.start();
    await this.ingress.start();
    this.phase = 'started';
    await this.http.listen({ port: config.httpPort, host: config.httpHost, backlog: config.httpBacklog });
    this.logger.info({ port: this.httpPort, instanceId: config.instanceId }, 'ops started');
  }

  /** The port HTTP listens on (useful when configured as 0). */
  get httpPort(): number {
    const address = this.http.server.address();
    return typeof address === 'object' && address ? address.port : this.config.httpPort;
  }

  /**
   * SIGTERM path (contract §7): refuse new work, deregister, answer everything in flight (within the
   * grace period), then disconnect. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    const wasStarted = this.phase === 'started';
    this.phase = 'closed';
    this.gateway.stopAccepting();
    await this.registration.close();
    if (wasStarted) {
      await this.ingress.close(this.config.shutdownGraceMs);
      await this.gateway.drained();
    }
    await this.http.close();
    await this.replies?.close(0);
    await this.claim?.close();
    await this.publisher.close();
    await this.catalogSync.close();
    this.etcd.close();
    this.loopDelay.stop();
    this.logger.info('ops stopped');
  }

  /**
   * Claims one partition of `ops.resp` in etcd (contract §3 `reply-partition`; see
   * docs/architecture.md) and reads it with a consumer group of this instance alone, so every reply
   * to this instance's broadcasts reaches it and no other. If the claim is lost and a different
   * partition is claimed again, requests waiting for replies on the old one are ended at once.
   */
  private async claimReplyPartition(): Promise<void> {
    const { config, logger } = this;
    const topic = config.topics.opsResp;
    const claim = new PartitionClaim({
      client: this.etcd,
      prefix: `/reply-partitions/${topic}/`,
      partitions: await partitionCount(this.transport.admin, topic),
      owner: config.instanceId,
      ttlSeconds: config.leaseTtlSeconds,
      logger,
    });
    this.claim = claim;
    await this.listenOn(await claim.start(config.shutdownGraceMs * 4));
    claim.on('claimed', (partition: number) => {
      this.listenOn(partition).catch((error: unknown) =>
        this.logger.error({ err: error, partition }, 'could not read the reply partition claimed again'),
      );
    });
  }

  private async listenOn(partition: number): Promise<void> {
    if (this.listening === partition || this.phase === 'closed') return;
    const previous = this.replies;
    if (previous) {
      const ended = this.aggregator.abandonAll();
      this.logger.warn(
        { from: this.listening, to: partition, ended },
        'reply partition changed: requests waiting on the old one were ended',
      );
      await previous.close(0);
    }
    this.listening = partition;
    const { config, metrics } = this;
    this.replies = createReplyListener({
      transport: this.transport,
      topic: config.topics.opsResp,
      groupId: `${config.topicPrefix}ops-replies-${config.instanceId}`,
      aggregator: this.aggregator,
      publisher: this.publisher,
      deadLetters: this.deadLetters,
      metrics,
      logger: this.logger,
      maxMessageBytes: config.maxMessageBytes,
      fetch: this.fetch,
      partitions: () => [partition],
    });
    metrics.replyPartition.set(partition);
    await this.replies.start();
    this.logger.info({ partition }, 'listening for replies');
  }

  /** Creates a reply-to topic once, however many requests name it at the same time. */
  private ensureTopic(topic: string): Promise<void> {
    let known = this.knownTopics.get(topic);
    if (!known) {
      known = ensureTopics(this.transport.admin, [{ topic, numPartitions: this.config.topicPartitions }], this.logger);
      this.knownTopics.set(topic, known);
      known.catch(() => this.knownTopics.delete(topic)); // try again with the next request
    }
    return known;
  }

  private updateGauges(): void {
    const { metrics } = this;
    metrics.inFlight.set(this.gateway.inFlight);
    metrics.admissionWaiting.set(this.admission.waiting);
    metrics.loopDelay.set(this.loopDelay.take() / 1000);
    metrics.catalogServices.set(this.catalog.chainServices().length);
    metrics.catalogStaleness.set(this.catalogSync.stalenessSeconds());
    metrics.ready.set(this.readinessProblems().length === 0 ? 1 : 0);
  }
}

/** The admission limit of OPS_ADMISSION, reported to the metrics after every window. */
function createAdmission(config: OpsConfig, metrics: OpsMetrics): Admission {
  const limit =
    config.admission === 'fixed'
      ? new FixedLimit(config.maxInFlight)
      : new GradientLimit({
          ...GRADIENT_DEFAULTS,
          initialLimit: config.admissionInitialLimit,
          minLimit: config.admissionMinLimit,
          maxLimit: config.maxInFlight,
          tolerance: config.admissionTolerance,
        });
  metrics.admissionLimit.set(limit.limit);
  return new Admission({
    limit,
    onWindow: (value, window) => {
      metrics.admissionLimit.set(value);
      metrics.admissionLatency.set(window.latencyMs / 1000);
    },
  });
}
