import { MessagingError, MessagingErrorCodes, type MessagingErrorCode } from '../errors/messaging.errors';
import type { InboundMessage } from '../ports/inbound-message';
import type { LogPort } from '../ports/log.port';
import { retryDelayMs } from './client-settings';
import { delay } from './consumer-timing';
import { DELIVERY_ATTEMPTS, type DeliveryAttempts, type HandlerOutput, type MessageConsumerOptions } from './message-consumer.options';

/** What {@link MessageDelivery} is built with: the consumer's handler side, and whether it still runs. */
export interface MessageDeliveryOptions<T>
  extends Pick<MessageConsumerOptions<T>, 'decode' | 'handle' | 'publisher' | 'deadLetters' | 'attempts'> {
  log: LogPort;
  /** False once the consumer closes: a retry then gives up and leaves its message uncommitted. */
  running: () => boolean;
}

/**
 * What happens to one message between its fetch and its commit: decode it, run the handler once,
 * publish what it returns (retrying the publish alone, never the handler's work), and dead-letter
 * what cannot be decoded, handled or published — with bounded attempts, so that no message stalls
 * its partition for good. The fetching, the in-flight limit and the commits stay in MessageConsumer.
 */
export class MessageDelivery<T> {
  private readonly attempts: DeliveryAttempts;

  constructor(private readonly options: MessageDeliveryOptions<T>) {
    this.attempts = { ...DELIVERY_ATTEMPTS, ...options.attempts };
    if (!(this.attempts.refusedPublish >= 1 && this.attempts.deadLetter >= 1))
      throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'delivery attempts must be >= 1');
  }

  /**
   * Decodes, handles once, publishes the output, and dead-letters what fails; resolves when the
   * message may be committed. Rejects only while closing: the message is then left uncommitted and
   * read again by the partition's next owner.
   */
  async deliver(message: InboundMessage): Promise<void> {
    const decoded = this.options.decode(message);
    if (!decoded.ok) return this.deadLetter(message, decoded.code, decoded.reason);
    let output: HandlerOutput;
    try {
      output = await this.options.handle(decoded.value, message);
    } catch (cause) {
      const error = asError(cause);
      this.options.log.warn({ err: error, partition: message.partition, offset: message.offset }, 'handler failed; dead-lettering');
      return this.deadLetter(message, MessagingErrorCodes.HANDLER_FAILED, `handler failed: ${error.message}`);
    }
    if (output.length === 0) return;
    const refused = await this.publish(message, output);
    if (refused)
      await this.deadLetter(message, MessagingErrorCodes.PUBLISH_REFUSED, `its output could not be published: ${refused.message}`);
  }

  /**
   * Publishes a handler's output. A retriable failure (Kafka away) is tried again while the consumer
   * runs; one the broker refuses for good up to `attempts.refusedPublish` times, then returned.
   */
  private async publish(message: InboundMessage, output: HandlerOutput): Promise<Error | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.publisher.publish([...output]);
        return undefined;
      } catch (cause) {
        const error = asError(cause);
        const retriable = error instanceof MessagingError && error.retriable;
        this.options.log.warn(
          { err: error, partition: message.partition, offset: message.offset, attempt },
          'publishing the output failed',
        );
        if (!retriable && attempt >= this.attempts.refusedPublish) return error;
        await this.backOff(attempt, error);
      }
    }
  }

  /**
   * Sends `message` to the dead-letter topic, up to `attempts.deadLetter` times. Then it is given
   * up — logged with its coordinates and counted by the dead-letter queue — and committed like any
   * other message, so that one dead letter that cannot be written never stalls its partition.
   */
  private async deadLetter(message: InboundMessage, code: MessagingErrorCode, reason: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.deadLetters.send(message, code, reason);
        return;
      } catch (cause) {
        const error = asError(cause);
        if (attempt >= this.attempts.deadLetter) return this.options.deadLetters.giveUp(message, code, reason, error);
        await this.backOff(attempt, error);
      }
    }
  }

  /**
   * Waits before the next attempt — the clients' shared back-off (client-settings.ts: doubling from
   * 100 ms, at most 1 s), so that an answer held up by a partition without a leader goes out within
   * a second of the election; while closing, rejects with `error` instead (the message stays uncommitted).
   */
  private async backOff(attempt: number, error: Error): Promise<void> {
    if (!this.options.running()) throw error;
    await delay(retryDelayMs(attempt));
  }
}

function asError(cause: unknown): Error {
  return cause instanceof Error ? cause : new Error(String(cause));
}
