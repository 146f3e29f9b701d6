import { createEtcdClient, ServiceRegistration, type Etcd3 } from '@gateway/discovery';
import type { Logger } from 'pino';
import {
  type ChainRequest,
  checkKey,
  createKafkaTransport,
  createLogger,
  DeadLetterQueue,
  decodeJson,
  ensureTopics,
  fetchSettings,
  Headers,
  HealthServer,
  type HandlerOutput,
  type InboundMessage,
  KafkaPublisher,
  type KafkaTransport,
  MessageConsumer,
  NO_OUTPUT,
  publisherOptions,
  type Span,
  SpanKind,
  SpanStatusCode,
  startSpan,
  traceHeaders,
  traceIdOf,
  validateChainRequest,
  type Validated,
} from '@gateway/messaging';
import { readChainConfig, type ChainConfig } from './chain.config';
import { ChainMetrics } from './chain.metrics';
import { withTimeLimit } from './handler-time-limit';
import { replyFor } from './reply-for';

/** How long a draining chain keeps consuming after it marked itself draining. */
const DRAIN_NOTICE_MS = 250;

/** What a handler knows of the request besides its payload. */
export interface ChainContext {
  uid: string;
  /** Epoch ms after which ops no longer waits. */
  deadline: number;
  /** Aborted when the handler's time limit is reached. */
  signal: AbortSignal;
  /** A logger that carries the request's uid. */
  logger: Logger;
}

/** A chain's operation: returns the result, or throws (a ChainError for a code of its own). */
export type ChainHandler = (payload: unknown, context: ChainContext) => Promise<unknown> | unknown;

/** Options of {@link ChainService}. */
export interface ChainServiceOptions {
  /** The service name: its topic is `<name>.req`, its consumer group `<name>`. */
  name: string;
  handler: ChainHandler;
  /** Settings; read from the environment when omitted. */
  config?: ChainConfig;
  logger?: Logger;
}

/** Counts a chain keeps, for logs and metrics. */
export interface ChainCounters {
  handled: number;
  failed: number;
  expired: number;
}

/**
 * A chain service: consumes `<name>.req`, runs the handler with a time limit, replies to the
 * `reply-to` topic (and `reply-partition`) of each request, commits only after the reply is sent,
 * and stays registered in etcd under a lease while it runs.
 */
export class ChainService {
  readonly config: ChainConfig;
  readonly logger: Logger;
  readonly counters: ChainCounters = { handled: 0, failed: 0, expired: 0 };
  readonly metrics: ChainMetrics;
  private readonly health: HealthServer;
  private readonly transport: KafkaTransport;
  private readonly publisher: KafkaPublisher;
  private readonly consumer: MessageConsumer<ChainRequest>;
  private readonly etcd: Etcd3;
  private readonly registration: ServiceRegistration;
  private readonly topic: string;
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(private readonly options: ChainServiceOptions) {
    this.config = options.config ?? readChainConfig();
    this.logger = options.logger ?? createLogger(options.name, this.config.logLevel, this.config.logFormat);
    this.topic = this.config.topics.chainRequest(options.name);
    this.transport = createKafkaTransport({
      client: this.config.kafkaClient,
      brokers: this.config.kafkaBrokers,
      clientId: `${options.name}-${this.config.instanceId}`,
      logger: this.logger,
    });
    const tuning = this.config.kafkaTuning;
    this.publisher = new KafkaPublisher(this.transport.createProducer(), this.logger, publisherOptions(tuning));
    const metrics = (this.metrics = new ChainMetrics(options.name));
    const deadLetters = new DeadLetterQueue({
      publisher: this.publisher,
      service: options.name,
      topic: this.config.topics.opsDlq,
      logger: this.logger,
      onDeadLetter: (_topic, code) => metrics.deadLetters.inc({ code }),
      onGivenUp: (_topic, code) => metrics.deadLettersGivenUp.inc({ code }),
    });
    this.consumer = new MessageConsumer<ChainRequest>({
      transport: this.transport,
      groupId: `${this.config.topicPrefix}${options.name}`,
      topic: this.topic,
      logger: this.logger,
      publisher: this.publisher,
      deadLetters,
      maxInFlight: this.config.maxInFlight,
      fetch: fetchSettings(tuning),
      decode: (message) => this.decode(message),
      handle: (request, message) => this.handle(request, message),
    });
    this.etcd = createEtcdClient(this.config.etcdEndpoints);
    this.registration = new ServiceRegistration({
      client: this.etcd,
      ttlSeconds: this.config.leaseTtlSeconds,
      prefix: this.config.discoveryPrefix,
      logger: this.logger,
      record: {
        name: options.name,
        kind: 'chain',
        topic: this.topic,
        instanceId: this.config.instanceId,
        pid: process.pid,
        startedAt: new Date().toISOString(),
      },
    });
    this.health = new HealthServer({
      port: this.config.httpPort,
      host: this.config.httpHost,
      registry: metrics.registry,
      readiness: () => this.readinessProblems(),
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

  /** Creates topics, starts consuming, then registers in etcd (so ops asks only a listening chain). */
  async start(): Promise<void> {
    if (this.phase !== 'new') return;
    this.phase = 'started';
    const partitions = this.config.topicPartitions;
    await ensureTopics(
      this.transport.admin,
      [this.topic, this.config.topics.opsResp, this.config.topics.opsDlq].map((topic) => ({ topic, numPartitions: partitions })),
      this.logger,
    );
    await this.publisher.start();
    await this.consumer.start();
    await this.registration.start();
    const httpPort = await this.health.start();
    this.logger.info({ topic: this.topic, instanceId: this.config.instanceId, httpPort }, 'chain service started');
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
    await this.health.close();
    this.etcd.close();
    this.logger.info({ counters: this.counters }, 'chain service stopped');
  }

  private decode(message: InboundMessage): Validated<ChainRequest> {
    const json = decodeJson(message.value, this.config.maxMessageBytes);
    return json.ok ? checkKey(message.key, validateChainRequest(json.value)) : json;
  }

  private async handle(request: ChainRequest, message: InboundMessage): Promise<HandlerOutput> {
    const remaining = request.deadline - Date.now();
    if (remaining <= 0) {
      // ops no longer waits for it (contract §8): dropped cheaply — no span, no reply, a counter and
      // a debug line, since under a backlog there may be thousands of them a second.
      this.counters.expired++;
      this.metrics.requests.inc({ outcome: 'expired' });
      if (this.logger.isLevelEnabled('debug'))
        this.logger.debug({ uid: request.uid, deadline: request.deadline }, 'request expired; skipped');
      return NO_OUTPUT;
    }
    const span = startSpan(`${this.topic} process`, SpanKind.CONSUMER, message.headers, {
      'messaging.destination.name': this.topic,
      'gateway.uid': request.uid,
    });
    try {
      return await this.answer(request, remaining, message, span);
    } finally {
      span.end();
    }
  }

  /** Runs the handler and returns the reply to publish: its result, or the error it ended with. */
  private async answer(request: ChainRequest, remaining: number, message: InboundMessage, span: Span): Promise<HandlerOutput> {
    const logger = this.logger.child({ uid: request.uid, traceId: traceIdOf(span) });
    // Stop a little before the deadline so the error reply reaches ops while it still waits.
    const limit = Math.min(this.config.handlerTimeoutMs, Math.max(1, remaining - 50));
    const started = process.hrtime.bigint();
    this.metrics.inFlight.inc();
    const outcome = await withTimeLimit(
      (signal) => this.options.handler(request.payload, { uid: request.uid, deadline: request.deadline, signal, logger }),
      limit,
      request.uid,
    ).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    this.metrics.inFlight.dec();
    const reply = replyFor(request.uid, this.options.name, outcome);
    const label = { outcome: reply.ok ? 'ok' : 'error' };
    this.metrics.requests.inc(label);
    this.metrics.handlerDuration.observe(label, Number(process.hrtime.bigint() - started) / 1e9);
    if (reply.ok) {
      this.counters.handled++;
      logger.debug('replied');
    } else {
      this.counters.failed++;
      logger.warn({ error: reply.error }, 'handler failed; replying with an error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.code });
    }
    const partition = Number(message.headers[Headers.REPLY_PARTITION]);
    return [
      {
        topic: message.headers[Headers.REPLY_TO] || this.config.topics.opsResp,
        key: request.uid,
        value: JSON.stringify(reply),
        headers: traceHeaders(span),
        ...(Number.isInteger(partition) && partition >= 0 ? { partition } : {}),
      },
    ];
  }
}
