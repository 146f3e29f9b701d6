import {
  checkKey,
  decodeJson,
  Headers,
  invalid,
  MessageConsumer,
  NO_OUTPUT,
  SpanKind,
  startSpan,
  traceHeaders,
  traceIdOf,
  MessagingErrorCodes,
  valid,
  validateOpsRequest,
  type DeadLetterQueue,
  type FetchSettings,
  type KafkaTransport,
  type OpsRequest,
  type Publisher,
  type TopicNames,
} from '@gateway/messaging';
import type { Logger } from 'pino';
import type { Gateway } from './gateway';
import { endSpan } from './request-span';
import { requestStart } from './request-start';

/** Options of {@link createKafkaIngress}. */
export interface KafkaIngressOptions {
  transport: KafkaTransport;
  groupId: string;
  topics: TopicNames;
  gateway: Gateway;
  publisher: Publisher;
  deadLetters: DeadLetterQueue;
  logger: Logger;
  maxMessageBytes: number;
  /** Requests read and not yet answered (waiting for admission or running) before the fetch pauses. */
  maxInFlight: number;
  /** How far a producer's clock may be behind ops' before its requests' time is cut short (see requestStart). */
  maxClockSkewMs: number;
  /** Creates a reply topic that does not exist yet (a client may name a new one in `reply-to`). */
  ensureTopic: (topic: string) => Promise<void>;
  /** Fetch settings (see MessageConsumerOptions.fetch). */
  fetch?: Partial<FetchSettings>;
}

/** A valid request on `ops.req` and where its answer goes. */
export interface IngressRequest {
  request: OpsRequest;
  replyTo: string;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * The consumer of `ops.req`: each valid request is submitted to the gateway, and its answer is
 * returned for the consumer to publish to the request's `reply-to` topic (default `ops.agg`),
 * creating that topic first if needed; the request is committed only once the answer is out. A
 * reply topic that cannot be created or written is retried by the consumer without asking the
 * chains again, and the request ends on `ops.dlq` (`MSG_PUBLISH_REFUSED`) if the broker refuses it
 * for good. A duplicate uid in flight joins the first request: one broadcast, one answer.
 * A request's time counts from its record's timestamp; it waits for admission (first come first
 * served, the fetch pausing once `maxInFlight` are in hand) until its deadline, and one whose time
 * ran out — in the backlog or while waiting — is answered `DEADLINE_EXPIRED` without asking any chain.
 */
export function createKafkaIngress(options: KafkaIngressOptions): MessageConsumer<IngressRequest> {
  const { gateway } = options;
  return new MessageConsumer<IngressRequest>({
    transport: options.transport,
    groupId: options.groupId,
    topic: options.topics.opsReq,
    logger: options.logger,
    maxInFlight: options.maxInFlight,
    publisher: creatingTopics(options.publisher, options.ensureTopic),
    deadLetters: options.deadLetters,
    fetch: options.fetch ?? {},
    decode: (message) => {
      const replyTo = message.headers[Headers.REPLY_TO] ?? options.topics.opsAgg;
      if (!TOPIC_NAME.test(replyTo)) {
        return invalid(MessagingErrorCodes.ENVELOPE_INVALID, `header "reply-to" is not a valid topic name: ${JSON.stringify(replyTo)}`);
      }
      const json = decodeJson(message.value, options.maxMessageBytes);
      if (!json.ok) return json;
      const request = checkKey(message.key, validateOpsRequest(json.value, { requireUid: true }));
      return request.ok ? valid({ request: request.value, replyTo }) : request;
    },
    handle: async ({ request, replyTo }, message) => {
      const since = requestStart(message.timestamp, Date.now(), options.maxClockSkewMs);
      const permit = await gateway.admitBy(gateway.deadlineOf(request, since));
      const span = startSpan(`${options.topics.opsReq} process`, SpanKind.CONSUMER, message.headers, {
        'messaging.destination.name': options.topics.opsReq,
      });
      const trace = { headers: traceHeaders(span), traceId: traceIdOf(span) };
      const submission = gateway.submit(request, 'kafka', trace, { permit, since });
      const answer = await submission.answer;
      endSpan(span, answer);
      if (submission.joined) {
        options.logger.info({ uid: submission.uid }, 'request joined the one in flight with the same uid');
        return NO_OUTPUT;
      }
      return [{ topic: replyTo, key: submission.uid, value: JSON.stringify(answer), headers: trace.headers }];
    },
  });
}

/** `publisher`, creating each message's topic first (a client may name a new one in `reply-to`). */
function creatingTopics(publisher: Publisher, ensureTopic: (topic: string) => Promise<void>): Publisher {
  return {
    publish: async (messages, options) => {
      await Promise.all([...new Set(messages.map((m) => m.topic))].map(ensureTopic));
      await publisher.publish(messages, options);
    },
  };
}
