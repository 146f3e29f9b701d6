import { ServiceCatalog } from '@gateway/discovery';
import { describeSecurity, type MessageConsumer, type ScatterGatherAggregator } from '@gateway/messaging';
import type { Logger } from 'pino';
import type { Admission } from './admission/admission';
import type { Gateway } from './gateway';
import { createHttpServer, type OpsHttp } from './http/http.server';
import { createKafkaIngress, type IngressRequest } from './kafka-ingress';
import { LoopDelayProbe } from './loop-delay';
import type { OpsConfig } from './ops.config';
import { OpsMetrics } from './ops.metrics';
import { createConsoleParts, type ConsoleParts } from './parts/console.parts';
import { createDiscoveryParts, type DiscoveryParts } from './parts/discovery.parts';
import { createAdmission, createAggregator, createGateway, followCatalog } from './parts/gateway.parts';
import { createKafkaParts, KnownTopics, type KafkaParts, type KafkaThreadSettings } from './parts/kafka.parts';
import { ReplyPartition } from './reply-partition';

// Still exported where OpsRuntime takes them: its caller (main.ts) builds them.
export type { KafkaThreadSettings } from './parts/kafka.parts';

/**
 * Everything ops runs, wired together: Kafka publisher and consumers, the etcd catalog and its own
 * registration, the aggregator, the gateway and the HTTP server (each built in parts/). `start()`
 * brings them up in an order that loses no reply; `close()` drains and takes them down in reverse.
 */
export class OpsRuntime {
  readonly metrics = new OpsMetrics();
  readonly catalog = new ServiceCatalog();
  readonly aggregator: ScatterGatherAggregator;
  readonly admission: Admission;
  readonly gateway: Gateway;
  readonly http: OpsHttp;
  private readonly loopDelay = new LoopDelayProbe();
  private readonly kafka: KafkaParts;
  private readonly topics: KnownTopics;
  private readonly discovery: DiscoveryParts;
  private readonly replies: ReplyPartition;
  private readonly ingress: MessageConsumer<IngressRequest>;
  /** The operator console (OPS_CONSOLE), if on. */
  readonly console: ConsoleParts | undefined;
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(
    readonly config: OpsConfig,
    private readonly logger: Logger,
    thread?: KafkaThreadSettings,
  ) {
    const { metrics, catalog } = this;
    const kafka = createKafkaParts(config, logger, metrics, thread);
    this.kafka = kafka;
    this.topics = new KnownTopics(kafka.transport.admin, config.topicPartitions, logger);
    const aggregator = createAggregator(metrics);
    this.aggregator = aggregator;
    const admission = createAdmission(config, metrics);
    this.admission = admission;
    const { transport, publisher, deadLetters, fetch } = kafka;
    const replyPartition = (): number | undefined => this.replies.partition;
    this.discovery = createDiscoveryParts(config, logger, catalog);
    const gauge = () => ({ inFlight: this.gateway.inFlight, limit: admission.limit });
    this.console = createConsoleParts(config, { etcd: this.discovery.etcd, kafka, logger, replyPartition, gauge });
    const ops = this.console?.console;
    this.gateway = createGateway(config, {
      catalog,
      aggregator,
      admission,
      publisher,
      metrics,
      logger,
      replyPartition,
      onFinished: ops && ((done) => ops.recorder.record(done)),
    });
    this.ingress = createKafkaIngress({
      transport,
      publisher,
      deadLetters,
      fetch,
      groupId: config.groupId,
      topics: config.topics,
      gateway: this.gateway,
      logger,
      maxMessageBytes: config.maxMessageBytes,
      maxInFlight: config.maxInFlight,
      maxClockSkewMs: config.maxClockSkewMs,
      ensureTopic: (topic) => this.topics.ensure(topic),
    });
    const closing = (): boolean => this.phase === 'closed';
    this.replies = new ReplyPartition({
      config,
      etcd: this.discovery.etcd,
      kafka,
      aggregator,
      metrics,
      logger,
      closing,
      onAccepted: ops && ((reply, instance) => ops.recorder.noteReply(reply.uid, reply.service, instance)),
    });
    followCatalog(catalog, aggregator, logger);
    if (ops) catalog.on('change', () => ops.topologyChanged());
    this.http = createHttpServer({
      gateway: this.gateway,
      catalog,
      metrics,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      readiness: () => this.readinessProblems(),
      beforeScrape: () => this.updateGauges(),
      onShed: () => {
        metrics.shed.inc({ source: 'http' });
        ops?.traffic.countShed();
      },
      tokens: config.apiTokens,
      onUnauthorized: (reason) => metrics.unauthorized.inc({ reason }),
      adminListener: config.admin !== undefined,
      limits: config.httpLimits,
      tls: config.tls,
      console: this.console && { ops: this.console.console, assetsDir: this.console.assetsDir },
    });
  }

  /** Why ops is not ready (contract §4 `/readyz`); empty when it is. */
  readinessProblems(): string[] {
    const problems: string[] = [];
    const { catalogSync } = this.discovery;
    if (this.phase !== 'started') problems.push('not started');
    if (!this.kafka.publisher.connected) problems.push('kafka producer not connected');
    if (this.replies.partition === undefined) problems.push('no reply partition of ops.resp claimed');
    if (!this.replies.ready) problems.push('reply consumer does not hold its partition or kafka is unreachable');
    if (!catalogSync.loaded) problems.push('catalog not loaded');
    if (!catalogSync.connected) problems.push('etcd not connected');
    return problems;
  }

  /** Brings ops up: topics, producer, reply consumer (before any broadcast), catalog, ingress, HTTP. */
  async start(): Promise<void> {
    if (this.phase !== 'new') return;
    const { config } = this;
    const { opsReq, opsResp, opsAgg, opsDlq } = config.topics;
    await this.topics.ensureAll([opsReq, opsResp, opsAgg, opsDlq]);
    await this.kafka.publisher.start();
    await this.discovery.catalogSync.start();
    await this.replies.start();
    await this.discovery.registration.start();
    await this.ingress.start();
    this.startConsole();
    this.phase = 'started';
    await this.http.listen({ port: config.httpPort, host: config.httpHost, backlog: config.httpBacklog });
    const adminPort = await this.listenAdmin();
    this.logger.info({ port: this.httpPort, adminPort, instanceId: config.instanceId, security: describeSecurity(config) }, 'ops started');
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
    await this.discovery.registration.close();
    if (wasStarted) {
      await this.ingress.close(this.config.shutdownGraceMs);
      await this.gateway.drained();
    }
    // Console streams stay open until ended: the HTTP server would wait for them.
    this.console?.console.close();
    await this.console?.deadLetterReader.close(0);
    await this.http.close();
    await this.closeAdmin();
    await this.replies.close();
    await this.kafka.publisher.close();
    await this.discovery.catalogSync.close();
    this.discovery.etcd.close();
    this.loopDelay.stop();
    this.logger.info('ops stopped');
  }

  /** Starts the console's tick and, in the background, its reader of ops.dlq (the console is no reason not to start). */
  private startConsole(): void {
    const parts = this.console;
    if (!parts) return;
    parts.console.start();
    parts.deadLetterReader.start().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'console: could not read ops.dlq; dead letters are not shown');
    });
  }

  /** Starts the operator endpoints' own listener, if configured; resolves with its port. */
  private async listenAdmin(): Promise<number | undefined> {
    const server = this.http.adminServer;
    const admin = this.config.admin;
    if (!server || !admin) return undefined;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(admin.port, admin.host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : admin.port;
  }

  private async closeAdmin(): Promise<void> {
    const server = this.http.adminServer;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private updateGauges(): void {
    const { metrics } = this;
    metrics.inFlight.set(this.gateway.inFlight);
    metrics.admissionWaiting.set(this.admission.waiting);
    metrics.loopDelay.set(this.loopDelay.take() / 1000);
    metrics.catalogServices.set(this.catalog.chainServices().length);
    metrics.catalogStaleness.set(this.discovery.catalogSync.stalenessSeconds());
    metrics.ready.set(this.readinessProblems().length === 0 ? 1 : 0);
  }
}
