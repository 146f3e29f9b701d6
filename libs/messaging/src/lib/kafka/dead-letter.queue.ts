import type { Logger } from 'pino';
import { Headers } from '../contract/headers';
import type { MessagingErrorCode } from '../errors/messaging.errors';
import type { InboundMessage } from '../ports/inbound-message';
import type { Publisher } from '../ports/publisher.port';

/** Called after a message went to the dead-letter topic (for metrics). */
export type DeadLetterHook = (sourceTopic: string, code: MessagingErrorCode) => void;

/** Options of {@link DeadLetterQueue}. */
export interface DeadLetterQueueOptions {
  publisher: Publisher;
  /** The service that dead-letters (header `dlq-service`). */
  service: string;
  /** The dead-letter topic (`ops.dlq`, behind the deployment's topic prefix). */
  topic: string;
  logger: Logger;
  onDeadLetter?: DeadLetterHook;
  /** Called when a dead letter could not be written and was given up (for metrics). */
  onGivenUp?: DeadLetterHook;
}

/**
 * Sends a message that could not be understood to `ops.dlq` (contract §3): original key and value
 * unchanged, original headers kept, plus the `dlq-*` headers saying why and where from.
 */
export class DeadLetterQueue {
  private readonly publisher: Publisher;
  private readonly service: string;
  private readonly topic: string;
  private readonly logger: Logger;
  private readonly hook: DeadLetterHook;
  private readonly givenUpHook: DeadLetterHook;

  constructor(options: DeadLetterQueueOptions) {
    this.publisher = options.publisher;
    this.service = options.service;
    this.topic = options.topic;
    this.logger = options.logger;
    this.hook = options.onDeadLetter ?? (() => undefined);
    this.givenUpHook = options.onGivenUp ?? (() => undefined);
  }

  /** Resolves once the broker holds the dead letter; rejects if it could not be published. */
  async send(message: InboundMessage, code: MessagingErrorCode, reason: string): Promise<void> {
    const dlqReason = `${code}: ${reason}`;
    await this.publisher.publish([
      {
        topic: this.topic,
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [Headers.DLQ_REASON]: dlqReason,
          [Headers.DLQ_SOURCE_TOPIC]: message.topic,
          [Headers.DLQ_SOURCE_PARTITION]: String(message.partition),
          [Headers.DLQ_SOURCE_OFFSET]: message.offset,
          [Headers.DLQ_SERVICE]: this.service,
        },
      },
    ]);
    this.hook(message.topic, code);
    this.logger.warn(
      { component: 'dlq', topic: message.topic, partition: message.partition, offset: message.offset, reason: dlqReason },
      'message dead-lettered',
    );
  }

  /**
   * Records a dead letter that could not be written after every attempt: an error line with the
   * message's coordinates (enough to find it again on its source topic while it is retained), and
   * the `onGivenUp` hook. Its offset is committed after this, so its partition goes on.
   */
  giveUp(message: InboundMessage, code: MessagingErrorCode, reason: string, error: Error): void {
    this.givenUpHook(message.topic, code);
    this.logger.error(
      {
        component: 'dlq',
        err: error,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        reason: `${code}: ${reason}`,
      },
      'dead letter could not be written; given up and committed',
    );
  }
}
