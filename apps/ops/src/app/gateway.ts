import type { ServiceCatalog, ServiceView } from '@gateway/discovery';
import {
  Headers,
  newUid,
  type Aggregate,
  type GatewayErrorReply,
  type OpsAnswer,
  type OpsRequest,
  type OutgoingMessage,
  type Publisher,
  type ScatterGatherAggregator,
} from '@gateway/messaging';
import type { Logger } from 'pino';
import { GatewayErrorCodes, type GatewayErrorCode } from './gateway.errors';

/** Where a request came from, for metrics and logs. */
export type RequestSource = 'http' | 'kafka';

/** Options of {@link Gateway}. */
export interface GatewayOptions {
  catalog: ServiceCatalog;
  aggregator: ScatterGatherAggregator;
  publisher: Publisher;
  logger: Logger;
  /** The topic chains reply to (header `reply-to` of every broadcast). */
  replyTopic: string;
  /** The partition chains reply to, when this instance owns one (header `reply-partition`). */
  replyPartition?: () => number | undefined;
  defaultTimeoutMs: number;
  maxInFlight: number;
  /** Called once per answer (metrics). */
  onAnswer?: (answer: OpsAnswer, source: RequestSource, seconds: number) => void;
}

/** The trace a request belongs to: headers to carry on (W3C `traceparent`) and the id logs name. */
export interface RequestTrace {
  headers: Record<string, string>;
  traceId: string | undefined;
}

/** A submitted request: its uid, whether it joined one in flight, and its answer to come. */
export interface Submission {
  uid: string;
  /** True when a request with this uid was already in flight: no second broadcast was made. */
  joined: boolean;
  /** Never rejects. */
  answer: Promise<OpsAnswer>;
}

/**
 * The gateway's core: fixes the set of services asked, broadcasts through the publisher, and
 * answers each request exactly once with its aggregate or a gateway error. Knows no Kafka or HTTP.
 */
export class Gateway {
  private readonly answers = new Map<string, Promise<OpsAnswer>>();
  private closing = false;
  private capacityWaiters: Array<() => void> = [];
  private topicsFor: readonly ServiceView[] | undefined;
  private topics = new Map<string, string>();

  constructor(private readonly options: GatewayOptions) {}

  /** Requests not answered yet. */
  get inFlight(): number {
    return this.answers.size;
  }

  /** Submits a request; refusals (no services, at capacity, shutting down) come back as answers too. */
  submit(request: OpsRequest, source: RequestSource, trace?: RequestTrace): Submission {
    const uid = request.uid ?? newUid();
    const running = this.answers.get(uid);
    if (running) return { uid, joined: true, answer: running };
    const started = process.hrtime.bigint();
    const answer = this.start(uid, request, trace).then((result) => {
      this.answers.delete(uid);
      this.capacityWaiters.shift()?.();
      this.options.onAnswer?.(result, source, Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    });
    this.answers.set(uid, answer);
    return { uid, joined: false, answer };
  }

  /** Resolves when a request could be taken without exceeding the in-flight limit. */
  async waitForCapacity(): Promise<void> {
    while (this.answers.size >= this.options.maxInFlight && !this.closing) {
      await new Promise<void>((wake) => this.capacityWaiters.push(wake));
    }
  }

  /** Refuses new requests from now on; requests in flight go on to their answer. */
  stopAccepting(): void {
    this.closing = true;
    this.capacityWaiters.splice(0).forEach((wake) => wake());
  }

  /** Resolves once every request in flight has been answered. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.answers.values()]);
  }

  private async start(uid: string, request: OpsRequest, trace: RequestTrace | undefined): Promise<OpsAnswer> {
    if (this.closing) return refusal(uid, GatewayErrorCodes.SHUTTING_DOWN, 'ops is shutting down');
    if (this.answers.size >= this.options.maxInFlight) {
      return refusal(uid, GatewayErrorCodes.AT_CAPACITY, `ops holds ${this.options.maxInFlight} requests, its limit`);
    }
    const replyPartition = this.options.replyPartition?.();
    if (this.options.replyPartition && replyPartition === undefined) {
      return refusal(uid, GatewayErrorCodes.NOT_READY, 'ops holds no reply partition right now; try another instance or again shortly');
    }
    const live = this.liveTopics();
    const asked = request.services ?? [...live.keys()];
    const reachable = asked.filter((name) => live.has(name));
    if (reachable.length === 0) {
      const which = request.services ? `none of ${asked.join(', ')} is registered` : 'no chain service is registered';
      return refusal(uid, GatewayErrorCodes.NO_SERVICES, which);
    }
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const gathering = this.options.aggregator.begin({
      uid,
      services: asked,
      completion: request.completion ?? 'all',
      timeoutMs,
      preset: Object.fromEntries(asked.filter((name) => !live.has(name)).map((name) => [name, { status: 'left' as const }])),
    });
    const log = this.options.logger.child({ uid, traceId: trace?.traceId });
    // Every chain gets the same request: serialised once.
    const value = JSON.stringify({ uid, payload: request.payload, deadline });
    const headers = this.broadcastHeaders(replyPartition, trace);
    const messages: OutgoingMessage[] = reachable.map((name) => ({ topic: live.get(name) as string, key: uid, value, headers }));
    try {
      await this.options.publisher.publish(messages);
      log.debug({ services: reachable, timeoutMs }, 'broadcast sent');
    } catch (error) {
      log.warn({ err: error }, 'broadcast failed');
      this.options.aggregator.abandon(uid);
      await gathering.aggregate;
      return refusal(uid, GatewayErrorCodes.KAFKA_UNAVAILABLE, `the broadcast could not be published: ${(error as Error).message}`);
    }
    const aggregate: Aggregate = await gathering.aggregate;
    log.info({ status: aggregate.status, missing: aggregate.missing, elapsedMs: aggregate.elapsedMs }, 'aggregate formed');
    return aggregate;
  }

  /** Topics of the chains ops asks, by name; rebuilt only when the catalog changed. */
  private liveTopics(): Map<string, string> {
    const views = this.options.catalog.chainServices();
    if (views !== this.topicsFor) {
      this.topicsFor = views;
      this.topics = new Map(views.map((view) => [view.name, view.topic]));
    }
    return this.topics;
  }

  /** Headers of a broadcast: the reply address and the trace context. */
  private broadcastHeaders(replyPartition: number | undefined, trace: RequestTrace | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...trace?.headers, [Headers.REPLY_TO]: this.options.replyTopic };
    if (replyPartition !== undefined) headers[Headers.REPLY_PARTITION] = String(replyPartition);
    return headers;
  }
}

function refusal(uid: string, code: GatewayErrorCode, message: string): GatewayErrorReply {
  return { uid, status: 'error', error: { code, message } };
}
