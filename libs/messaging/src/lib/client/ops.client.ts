import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { OpsAnswer } from '../contract/aggregate';
import { Headers, topicNames, type TopicNames } from '../contract/headers';
import { decodeJson, isJsonObject } from '../contract/json-value';
import type { OpsRequest } from '../contract/ops-request';
import { invalid, valid } from '../contract/result';
import { isValidUid, newUid } from '../contract/uid';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { DeadLetterQueue } from '../kafka/dead-letter.queue';
import { KafkaPublisher } from '../kafka/kafka.publisher';
import { kafkajsTransport } from '../kafka/kafka-transport';
import { MessageConsumer, NO_OUTPUT } from '../kafka/message-consumer';
import type { KafkaTransport } from '../ports/kafka-transport.port';
import { ensureTopics } from '../kafka/topic-admin';

/** Options of {@link OpsClient}. */
export interface OpsClientOptions {
  kafka: Kafka;
  logger: Logger;
  /** The topic aggregates come back on; a topic of this client's own by default. */
  replyTopic?: string;
  /** How long to wait beyond a request's own timeout before giving up locally (default 5000 ms). */
  graceMs?: number;
  /** Default request timeout when a request names none (default 3000 ms, as ops' default). */
  defaultTimeoutMs?: number;
  /** The deployment's topic names (default: contract §2's, no prefix). */
  topics?: TopicNames;
}

interface Waiting {
  resolve: (answer: OpsAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A client for TypeScript services that call ops over Kafka: produces to `ops.req` with a
 * `reply-to` header and resolves with the aggregate (or gateway error) for that uid.
 */
export class OpsClient {
  private readonly replyTopic: string;
  private readonly transport: KafkaTransport;
  private readonly topics: TopicNames;
  private readonly publisher: KafkaPublisher;
  private readonly consumer: MessageConsumer<OpsAnswer>;
  private readonly waiting = new Map<string, Waiting>();
  private started: Promise<void> | undefined;

  constructor(private readonly options: OpsClientOptions) {
    const id = randomBytes(4).toString('hex');
    this.topics = options.topics ?? topicNames();
    this.replyTopic = options.replyTopic ?? `ops.agg.client-${id}`;
    const transport = (this.transport = kafkajsTransport(options.kafka));
    this.publisher = new KafkaPublisher(transport.createProducer(), options.logger);
    this.consumer = new MessageConsumer<OpsAnswer>({
      transport,
      groupId: `ops-client-${id}`,
      topic: this.replyTopic,
      logger: options.logger,
      commit: false,
      publisher: this.publisher,
      deadLetters: new DeadLetterQueue({
        publisher: this.publisher,
        service: 'ops-client',
        topic: this.topics.opsDlq,
        logger: options.logger,
      }),
      decode: (message) => {
        const json = decodeJson(message.value, 64 * 1024 * 1024);
        if (!json.ok) return json;
        return isJsonObject(json.value) && isValidUid(json.value.uid)
          ? valid(json.value as unknown as OpsAnswer)
          : invalid(MessagingErrorCodes.ENVELOPE_INVALID, 'answer without a uid');
      },
      handle: (answer) => {
        this.settle(answer);
        return NO_OUTPUT;
      },
    });
  }

  /** Creates the reply topic if needed and starts listening; safe to call twice. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await ensureTopics(this.transport.admin, [{ topic: this.replyTopic, numPartitions: 1 }], this.options.logger);
      await this.publisher.start();
      await this.consumer.start();
    })();
    return this.started;
  }

  /**
   * Sends a request to ops and resolves with its answer (an aggregate or a gateway error). Rejects
   * with `MSG_REQUEST_TIMEOUT` when none comes within the request's timeout plus `graceMs`: not
   * retriable, since the time the caller allowed is spent and ops may have answered already.
   */
  async request(request: OpsRequest): Promise<OpsAnswer> {
    await this.start();
    const uid = request.uid ?? newUid();
    if (this.waiting.has(uid)) throw new MessagingError(MessagingErrorCodes.DUPLICATE_UID, `already waiting for ${uid}`, { uid });
    const waitMs = (request.timeoutMs ?? this.options.defaultTimeoutMs ?? 3000) + (this.options.graceMs ?? 5000);
    const answer = new Promise<OpsAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(uid);
        reject(new MessagingError(MessagingErrorCodes.REQUEST_TIMEOUT, `no answer for ${uid} within ${waitMs} ms`, { uid }));
      }, waitMs);
      this.waiting.set(uid, { resolve, reject, timer });
    });
    try {
      await this.publisher.publish([
        {
          topic: this.topics.opsReq,
          key: uid,
          value: JSON.stringify({ ...request, uid }),
          headers: { [Headers.REPLY_TO]: this.replyTopic },
        },
      ]);
    } catch (error) {
      const waiting = this.waiting.get(uid);
      if (waiting) clearTimeout(waiting.timer);
      this.waiting.delete(uid);
      throw error;
    }
    return answer;
  }

  /** Stops listening; requests still waiting are rejected. Safe to call twice. */
  async close(): Promise<void> {
    for (const [uid, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new MessagingError(MessagingErrorCodes.CLOSED, 'client closed', { uid }));
    }
    this.waiting.clear();
    await this.consumer.close(0);
    await this.publisher.close();
  }

  private settle(answer: OpsAnswer): void {
    const waiting = this.waiting.get(answer.uid);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(answer.uid);
    waiting.resolve(answer);
  }
}
