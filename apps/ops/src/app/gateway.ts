import type { ServiceCatalog, ServiceView } from '@gateway/discovery';
import {
  Headers,
  MessagingError,
  newUid,
  noServiceAnswered,
  type Aggregate,
  type GatewayErrorReply,
  type LogPort,
  type OpsAnswer,
  type OpsRequest,
  type OutgoingMessage,
  type Publisher,
  type ScatterGatherAggregator,
} from '@gateway/messaging';
import type { Admission, Permit } from './admission/admission';
import type { BroadcastTrail, FinishedRequest } from './console/request-recorder';
import { OpsErrors, type GatewayErrorEntry } from './ops.errors';

/**
 * A broadcast message that could not be published is given up this long before the request's
 * deadline: the chain could not answer in time anyway, and the aggregate is formed on time.
 */
const BROADCAST_RETRY_MARGIN_MS = 50;

/** Where a request came from, for metrics and logs. */
export type RequestSource = 'http' | 'kafka';

/** Options of {@link Gateway}. */
export interface GatewayOptions {
  catalog: ServiceCatalog;
  aggregator: ScatterGatherAggregator;
  publisher: Publisher;
  logger: LogPort;
  /** The topic chains reply to (header `reply-to` of every broadcast). */
  replyTopic: string;
  /** The partition chains reply to, when this instance owns one (header `reply-partition`). */
  replyPartition?: () => number | undefined;
  defaultTimeoutMs: number;
  /** Decides how many requests run at once (contract §8). */
  admission: Admission;
  /** Called once per answer (metrics). */
  onAnswer?: (answer: OpsAnswer, source: RequestSource, seconds: number) => void;
  /** Called once per answer with its timeline (the operator console). */
  onFinished?: (done: FinishedRequest) => void;
}

/** The trace a request belongs to: headers to carry on (W3C `traceparent`) and the id logs name. */
export interface RequestTrace {
  headers: Record<string, string>;
  traceId: string | undefined;
}

/** How a request was admitted, when its caller did that itself (HTTP before reading the body, the `ops.req` ingress). */
export interface Admitted {
  /** The permit it runs under, or none (refused: answered OVERLOADED, or SHUTTING_DOWN while closing). */
  permit: Permit | undefined;
  /** Epoch ms its time counts from (default: now). A request whose time is up is not started. */
  since?: number;
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
 * The gateway's core: admits, fixes the set of services asked, broadcasts through the publisher,
 * and answers each request exactly once with its aggregate or a gateway error. Knows no Kafka or HTTP.
 */
export class Gateway {
  private readonly answers = new Map<string, Promise<OpsAnswer>>();
  private closing = false;
  private topicsFor: readonly ServiceView[] | undefined;
  private topics = new Map<string, string>();

  constructor(private readonly options: GatewayOptions) {}

  /** Requests not answered yet. */
  get inFlight(): number {
    return this.answers.size;
  }

  /** False once ops is shutting down. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** How many requests may run at once now. */
  get admissionLimit(): number {
    return this.options.admission.limit;
  }

  /**
   * Submits a request; refusals (no services, overloaded, expired, shutting down) come back as
   * answers too. Without `admitted`, the gateway asks admission for a permit itself, at once.
   * A request that joins one in flight with its uid gives its permit back.
   */
  submit(request: OpsRequest, source: RequestSource, trace?: RequestTrace, admitted?: Admitted): Submission {
    const uid = request.uid ?? newUid();
    const permit = admitted ? admitted.permit : this.admit();
    const running = this.answers.get(uid);
    if (running) {
      permit?.release('ignored');
      return { uid, joined: true, answer: running };
    }
    const started = process.hrtime.bigint();
    const { onFinished } = this.options;
    const trail: Trail | undefined = onFinished ? { uid, source, traceId: trace?.traceId, startedAt: Date.now() } : undefined;
    const answer = this.start(uid, request, trace, permit, admitted?.since, trail).then((result) => {
      this.answers.delete(uid);
      // Only a complete aggregate says how fast the gateway is: a partial waited for a deadline
      // (a dead or slow chain), and a refusal did no work.
      permit?.release(result.status === 'complete' ? 'measured' : 'ignored');
      this.options.onAnswer?.(result, source, Number(process.hrtime.bigint() - started) / 1e9);
      if (trail) onFinished?.({ ...trail, answer: result });
      return result;
    });
    this.answers.set(uid, answer);
    return { uid, joined: false, answer };
  }

  /** A permit to run one request now, or undefined when admission refuses (at its limit, or closing). */
  admit(): Permit | undefined {
    return this.closing ? undefined : this.options.admission.tryAcquire();
  }

  /** A permit once one frees, or undefined when `untilMs` (epoch ms) passes first or ops closes. */
  admitBy(untilMs: number): Promise<Permit | undefined> {
    return this.closing ? Promise.resolve(undefined) : this.options.admission.acquire(untilMs);
  }

  /** The epoch ms by which `request`, whose time counts from `since`, must be answered. */
  deadlineOf(request: OpsRequest, since: number): number {
    return since + (request.timeoutMs ?? this.options.defaultTimeoutMs);
  }

  /** Refuses new requests from now on (waiting ones too); requests in flight go on to their answer. */
  stopAccepting(): void {
    this.closing = true;
    this.options.admission.close();
  }

  /** Resolves once every request in flight has been answered. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.answers.values()]);
  }

  private async start(
    uid: string,
    request: OpsRequest,
    trace: RequestTrace | undefined,
    permit: Permit | undefined,
    since: number | undefined,
    trail: Trail | undefined,
  ): Promise<OpsAnswer> {
    if (this.closing) return refusal(uid, OpsErrors.SHUTTING_DOWN, 'ops is shutting down');
    const now = Date.now();
    const deadline = this.deadlineOf(request, since ?? now);
    if (trail) {
      trail.startedAt = now;
      trail.deadline = deadline;
    }
    const timeoutMs = deadline - now;
    if (timeoutMs <= 0) {
      return refusal(uid, OpsErrors.DEADLINE_EXPIRED, `its time ran out ${-timeoutMs} ms before ops could start it`);
    }
    if (!permit) {
      return refusal(uid, OpsErrors.OVERLOADED, `ops runs ${this.options.admission.limit} requests at once, its limit now`);
    }
    const replyPartition = this.options.replyPartition?.();
    if (this.options.replyPartition && replyPartition === undefined) {
      return refusal(uid, OpsErrors.NOT_READY, 'ops holds no reply partition right now; try another instance or again shortly');
    }
    const live = this.liveTopics();
    // A name that is not registered is the client's mistake (a typo, a chain not deployed): refused
    // with its own code and no chain asked, rather than broadcast to the rest (contract §4).
    const unknown = request.services?.filter((name) => !live.has(name)) ?? [];
    if (unknown.length > 0) {
      return refusal(uid, OpsErrors.UNKNOWN_SERVICE, `no chain service named ${unknown.join(', ')} is registered`);
    }
    const asked = request.services ?? [...live.keys()];
    if (asked.length === 0) return refusal(uid, OpsErrors.NO_SERVICES, 'no chain service is registered');
    const gathering = this.options.aggregator.begin({
      uid,
      services: asked,
      completion: request.completion ?? 'all',
      timeoutMs,
    });
    const log = this.options.logger.child({ uid, traceId: trace?.traceId });
    // Every chain gets the same request: serialised once.
    const value = JSON.stringify({ uid, payload: request.payload, deadline });
    const headers = this.broadcastHeaders(replyPartition, trace);
    const messages: OutgoingMessage[] = asked.map((name) => ({ topic: live.get(name) as string, key: uid, value, headers }));
    // Each chain's message on its own, retried until just before the deadline: a partition without
    // a leader (a broker replaced in a cluster) holds up only its chain, which ends `timeout`.
    const retryUntil = deadline - BROADCAST_RETRY_MARGIN_MS;
    let delivered = 0;
    let failedSends = 0;
    const onRetry = () => void failedSends++;
    const broadcast = trail && (trail.broadcast = newBroadcastTrail(asked));
    const publishing = Promise.allSettled(
      messages.map((message, i) =>
        this.options.publisher.publish([message], { retryUntil, onRetry }).then(
          () => {
            delivered++;
            if (broadcast) broadcast.sentMs[i] = Date.now() - now;
          },
          (error: unknown) => {
            if (broadcast) broadcast.failed[i] = true;
            throw error;
          },
        ),
      ),
    );
    if (broadcast) void publishing.then(() => (broadcast.settledMs = Date.now() - now));
    // A send to a broker that stopped answering (paused, not dead) is held until the client's request
    // timer runs out: the aggregate, formed at the deadline at the latest, does not wait for it.
    const first = await Promise.race([publishing, gathering.aggregate]);
    if (!Array.isArray(first)) {
      void publishing.then((late) => this.logLateBroadcast(log, asked, late));
      // Kafka failed every send so far (not merely slow to acknowledge, as under a flood) and no chain
      // answered: refused. A chain that answered got its message, whatever its send reported.
      if (delivered === 0 && failedSends > 0 && noServiceAnswered(first)) {
        log.warn({ services: asked }, 'broadcast not delivered by the deadline');
        return refusal(uid, OpsErrors.KAFKA_UNAVAILABLE, 'the broadcast could not be published before the deadline');
      }
      log.info({ status: first.status, missing: first.missing, elapsedMs: first.elapsedMs }, 'aggregate formed');
      return first;
    }
    const sent = first;
    const failed = unreached(asked, sent);
    const firstError = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error | undefined;
    // A send that failed in a way worth retrying can still have been written (the broker's answer
    // lost as it shut down): the chains' replies decide, by the deadline. Refused at once only when
    // the broker said no to every send (or no chain could have got one).
    const maybeWritten = sent.some((r) => r.status === 'rejected' && r.reason instanceof MessagingError && r.reason.retriable);
    if (failed.length === asked.length && this.options.aggregator.answered(uid) === 0 && !maybeWritten) {
      log.warn({ err: firstError }, 'broadcast failed');
      this.options.aggregator.abandon(uid);
      await gathering.aggregate;
      return refusal(uid, OpsErrors.KAFKA_UNAVAILABLE, `the broadcast could not be published: ${firstError?.message ?? 'unknown error'}`);
    }
    if (failed.length > 0) log.warn({ err: firstError, services: failed }, 'broadcast sends failed for some chains');
    else log.debug({ services: asked, timeoutMs }, 'broadcast sent');
    const aggregate: Aggregate = await gathering.aggregate;
    if (failed.length === asked.length && noServiceAnswered(aggregate)) {
      log.warn({ err: firstError, services: asked }, 'broadcast not delivered by the deadline');
      return refusal(uid, OpsErrors.KAFKA_UNAVAILABLE, `the broadcast could not be published: ${firstError?.message ?? 'unknown error'}`);
    }
    log.info({ status: aggregate.status, missing: aggregate.missing, elapsedMs: aggregate.elapsedMs }, 'aggregate formed');
    return aggregate;
  }

  /** Logs the chains a broadcast never reached, once its sends settle after the aggregate was formed. */
  private logLateBroadcast(log: LogPort, asked: string[], sent: Array<PromiseSettledResult<void>>): void {
    const failed = unreached(asked, sent);
    if (failed.length > 0) log.warn({ services: failed }, 'broadcast sends settled after the aggregate; some never reached their chain');
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

/** What the gateway notes of a request for {@link GatewayOptions.onFinished}, filled in as it goes. */
type Trail = Omit<FinishedRequest, 'answer'>;

function newBroadcastTrail(services: string[]): BroadcastTrail {
  return { services, sentMs: new Array<number | undefined>(services.length).fill(undefined), failed: services.map(() => false) };
}

/** The chains of `asked` whose broadcast send failed, from the settled sends in the same order. */
function unreached(asked: string[], sent: Array<PromiseSettledResult<void>>): string[] {
  return asked.filter((_, i) => sent[i]?.status === 'rejected');
}

/** The answer of a request ops forms no aggregate for: a registry error and what happened. */
function refusal(uid: string, error: GatewayErrorEntry, message: string): GatewayErrorReply {
  return { uid, status: 'error', error: { code: error.code, message } };
}
