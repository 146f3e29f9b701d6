import {
  checkKey,
  decodeJson,
  Headers,
  NO_OUTPUT,
  SpanKind,
  SpanStatusCode,
  startSpan,
  traceHeaders,
  traceIdOf,
  validateChainRequest,
  type ChainRequest,
  type HandlerOutput,
  type InboundMessage,
  type Logger,
  type Span,
  type Validated,
} from '@gateway/messaging';
import type { ChainConfig } from './chain.config';
import type { ChainMetrics } from './chain.metrics';
import type { ChainCounters, ChainHandler } from './chain.types';
import { withTimeLimit } from './handler-time-limit';
import { replyFor } from './reply-for';

/** What {@link ChainRequestHandler} works with. */
export interface ChainRequestHandlerOptions {
  name: string;
  topic: string;
  handler: ChainHandler;
  config: ChainConfig;
  logger: Logger;
  metrics: ChainMetrics;
  counters: ChainCounters;
}

/**
 * One request of a chain, from its message to the reply to publish: decodes it (contract §3), drops
 * it if its deadline passed, runs the user's handler once under its time limit, and returns the
 * reply — the result, or the error the handler ended with — addressed to the request's `reply-to`
 * topic and `reply-partition`.
 */
export class ChainRequestHandler {
  constructor(private readonly options: ChainRequestHandlerOptions) {}

  decode(message: InboundMessage): Validated<ChainRequest> {
    const json = decodeJson(message.value, this.options.config.maxMessageBytes);
    return json.ok ? checkKey(message.key, validateChainRequest(json.value)) : json;
  }

  async handle(request: ChainRequest, message: InboundMessage): Promise<HandlerOutput> {
    const { topic, metrics, counters, logger } = this.options;
    const remaining = request.deadline - Date.now();
    if (remaining <= 0) {
      // ops no longer waits for it (contract §8): dropped cheaply — no span, no reply, a counter and
      // a debug line, since under a backlog there may be thousands of them a second.
      counters.expired++;
      metrics.requests.inc({ outcome: 'expired' });
      if (logger.isLevelEnabled('debug')) logger.debug({ uid: request.uid, deadline: request.deadline }, 'request expired; skipped');
      return NO_OUTPUT;
    }
    const span = startSpan(`${topic} process`, SpanKind.CONSUMER, message.headers, {
      'messaging.destination.name': topic,
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
    const { name, handler, config, metrics, counters } = this.options;
    const logger = this.options.logger.child({ uid: request.uid, traceId: traceIdOf(span) });
    // Stop a little before the deadline so the error reply reaches ops while it still waits.
    const limit = Math.min(config.handlerTimeoutMs, Math.max(1, remaining - 50));
    const started = process.hrtime.bigint();
    metrics.inFlight.inc();
    const outcome = await withTimeLimit(
      (signal) => handler(request.payload, { uid: request.uid, deadline: request.deadline, signal, logger }),
      limit,
      request.uid,
    ).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    metrics.inFlight.dec();
    const reply = replyFor(request.uid, name, outcome);
    const label = { outcome: reply.ok ? 'ok' : 'error' };
    metrics.requests.inc(label);
    metrics.handlerDuration.observe(label, Number(process.hrtime.bigint() - started) / 1e9);
    if (reply.ok) {
      counters.handled++;
      logger.debug('replied');
    } else {
      counters.failed++;
      logger.warn({ error: reply.error }, 'handler failed; replying with an error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.code });
    }
    const partition = Number(message.headers[Headers.REPLY_PARTITION]);
    return [
      {
        topic: message.headers[Headers.REPLY_TO] || config.topics.opsResp,
        key: request.uid,
        value: JSON.stringify(reply),
        headers: { ...traceHeaders(span), [Headers.INSTANCE_ID]: config.instanceId },
        ...(Number.isInteger(partition) && partition >= 0 ? { partition } : {}),
      },
    ];
  }
}
