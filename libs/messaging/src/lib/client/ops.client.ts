import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { OpsAnswer } from '../contract/aggregate';
import { Headers, topicNames, type TopicNames } from '../contract/headers';
import type { OpsRequest } from '../contract/ops-request';
import type { Validated } from '../contract/result';
import { newUid } from '../contract/uid';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { DeadLetterQueue } from '../kafka/dead-letter.queue';
import { KafkaPublisher } from '../kafka/kafka.publisher';
import { createKafkaTransport } from '../kafka/kafka-transport';
import { MessageConsumer, NO_OUTPUT } from '../kafka/message-consumer';
import { ensureTopics } from '../kafka/topic-admin';
import type { InboundMessage } from '../ports/inbound-message';
import type { KafkaClientName, KafkaTransport } from '../ports/kafka-transport.port';
import type { KafkaSecurity } from '../security/kafka-security';
import { decodeAnswer } from './answer-decoder';
import { PendingAnswers } from './pending-answers';

/** The Kafka client an {@link OpsClient} makes for itself (with `createKafkaTransport`). */
export interface OpsClientKafka {
  brokers: string[];
  /** TLS and SASL to the brokers, as the services' KAFKA_SECURITY_PROTOCOL … (`readKafkaSecurity`); default PLAINTEXT. */
  security?: KafkaSecurity;
  clientId: string;
  /** The client library, as the services' KAFKA_CLIENT (default `platformatic`). */
  client?: KafkaClientName;
  transport?: never;
}

/** A Kafka client the caller made already (`createKafkaTransport`, a Kafka thread's transport). */
export interface OpsClientTransport {
  transport: KafkaTransport;
  brokers?: never;
  security?: never;
  clientId?: never;
  client?: never;
}

/** Options of {@link OpsClient}: its Kafka client (made by it, or given), and how it waits. */
export type OpsClientOptions = (OpsClientKafka | OpsClientTransport) & {
  logger: Logger;
  /**
   * The topic answers come back on (the `reply-to` of every request): `ops.agg` of `topics` by
   * default, shared with every other client; a team may name one of its own, shared by its clients.
   */
  replyTopic?: string;
  /** How long to wait beyond a request's own timeout before giving up locally (default 5000 ms). */
  graceMs?: number;
  /** Default request timeout when a request names none (default 3000 ms, as ops' default). */
  defaultTimeoutMs?: number;
  /** The deployment's topic names (default: contract §2's, no prefix). */
  topics?: TopicNames;
};

/** Partitions of a reply topic the client has to create: as many as ops gives its topics by default (TOPIC_PARTITIONS). */
const REPLY_TOPIC_PARTITIONS = 3;

/**
 * A client for TypeScript services that call ops over Kafka: produces to `ops.req` with a
 * `reply-to` header and resolves with the answer (aggregate or gateway error) for that uid.
 *
 * Where answers come back (docs/architecture.md, "Answers to OpsClient"): one reply topic shared by
 * every client — `ops.agg` unless the caller names another — read by each client from "latest" in a
 * consumer group of its own, skipping the answers it does not wait for. A topic per client would
 * read less, but a client that crashes leaves its topic behind for good, and ops re-creates a
 * deleted reply topic when it answers a request late; the shared topic leaves nothing per client
 * but its group (its offsets, so that a consumer rebuilt after a broker failure misses no answer):
 * the client deletes it on close, and the broker removes it by itself once it has been empty for
 * `offsets.retention.minutes` (7 days by default) when the client died.
 */
export class OpsClient {
  /** The topic this client's answers come back on. */
  readonly replyTopic: string;
  /** This client's own consumer group on the reply topic (deleted on close). */
  readonly groupId = `ops-client-${randomBytes(6).toString('hex')}`;
  /** The Kafka client this client works on. */
  readonly transport: KafkaTransport;
  private readonly topics: TopicNames;
  private readonly logger: Logger;
  private readonly publisher: KafkaPublisher;
  private readonly consumer: MessageConsumer<OpsAnswer | null>;
  private readonly pending = new PendingAnswers();
  private started: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: OpsClientOptions) {
    this.logger = options.logger;
    this.topics = options.topics ?? topicNames();
    this.replyTopic = options.replyTopic ?? this.topics.opsAgg;
    this.transport = transportOf(options);
    this.publisher = new KafkaPublisher(this.transport.createProducer(), this.logger);
    this.consumer = new MessageConsumer<OpsAnswer | null>({
      transport: this.transport,
      groupId: this.groupId,
      topic: this.replyTopic,
      logger: this.logger,
      // From "latest" at the first start (no offset yet); committed as it reads, so a consumer
      // rebuilt after a broker failure goes on from where it was and misses no answer.
      commit: true,
      publisher: this.publisher,
      deadLetters: new DeadLetterQueue({
        publisher: this.publisher,
        service: 'ops-client',
        topic: this.topics.opsDlq,
        logger: this.logger,
      }),
      decode: (message) => this.decode(message),
      handle: (answer) => {
        if (answer) this.pending.settle(answer);
        return NO_OUTPUT;
      },
    });
  }

  /** Creates the reply topic if it is missing and starts listening; safe to call twice. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    this.started ??= (async () => {
      await ensureTopics(this.transport.admin, [{ topic: this.replyTopic, numPartitions: REPLY_TOPIC_PARTITIONS }], this.logger);
      await this.publisher.start();
      // Joined and fetching before the first request goes out, so no answer can come before it.
      await this.consumer.start();
    })();
    return this.started;
  }

  /**
   * Sends a request to ops and resolves with its answer (an aggregate or a gateway error). Rejects
   * with `MSG_REQUEST_TIMEOUT` when none comes within the request's timeout plus `graceMs`: not
   * retriable, since the time the caller allowed is spent and ops may have answered already. An
   * answer that breaks contract §3 is dead-lettered and rejects the request at once with its code.
   */
  async request(request: OpsRequest): Promise<OpsAnswer> {
    await this.start();
    if (this.closed) throw closedError();
    const uid = request.uid ?? newUid();
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs ?? 3000;
    const waitMs = timeoutMs + (this.options.graceMs ?? 5000);
    const answer = this.pending.wait(uid, waitMs);
    // Handled here too: a time limit that runs out while the publish is in flight is no unhandled rejection.
    answer.catch(() => undefined);
    try {
      await this.publisher.publish(
        [
          {
            topic: this.topics.opsReq,
            key: uid,
            value: JSON.stringify({ ...request, uid }),
            headers: { [Headers.REPLY_TO]: this.replyTopic },
          },
          // A partition of ops.req without a leader for a moment (a broker replaced) is waited out
          // within the request's own time.
        ],
        { retryUntil: Date.now() + timeoutMs },
      );
    } catch (error) {
      this.pending.forget(uid);
      throw error;
    }
    return answer;
  }

  /**
   * Rejects the requests still waiting (`MSG_CLOSED`), stops listening, and deletes this client's
   * consumer group, so that nothing of it is left on the broker. Safe to call twice.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.pending.failAll((uid) => new MessagingError(MessagingErrorCodes.CLOSED, 'client closed', { uid }));
      const joined = this.started !== undefined;
      await this.started?.catch(() => undefined);
      await this.consumer.close(0);
      await this.publisher.close();
      if (joined) await this.deleteGroup();
    })();
    return this.closed;
  }

  /** Decodes with {@link decodeAnswer}; a broken answer to a waiting request also ends that request. */
  private decode(message: InboundMessage): Validated<OpsAnswer | null> {
    const decoded = decodeAnswer(message, (uid) => this.pending.has(uid));
    if (!decoded.ok && message.key) {
      // ops answers a request once: waiting on would only end in a timeout.
      const uid = message.key.toString('utf8');
      this.pending.fail(
        uid,
        new MessagingError(decoded.code, `the answer to ${uid} is invalid: ${decoded.reason}`, { uid, topic: message.topic }),
      );
    }
    return decoded;
  }

  private async deleteGroup(): Promise<void> {
    try {
      await this.transport.admin.deleteGroups([this.groupId]);
    } catch (error) {
      // Not lost: the group holds no offsets, so the broker removes it once it is empty.
      this.logger.warn({ err: error, groupId: this.groupId }, 'could not delete the client group; the broker removes it later');
    }
  }
}

/** The Kafka client of `options`: the one given, or one made from its brokers and client id. */
function transportOf(options: OpsClientOptions): KafkaTransport {
  if (options.transport) return options.transport;
  const { brokers, clientId, security } = options;
  if (!brokers?.length || !clientId) {
    throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'OpsClient needs a transport, or brokers and a clientId');
  }
  return createKafkaTransport({
    client: options.client ?? 'platformatic',
    brokers,
    ...(security ? { security } : {}),
    clientId,
    logger: options.logger,
  });
}

function closedError(): MessagingError {
  return new MessagingError(MessagingErrorCodes.CLOSED, 'client closed');
}
