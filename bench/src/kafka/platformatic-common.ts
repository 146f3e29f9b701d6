import { platformaticBaseOptions, PLATFORMATIC_GROUP_OPTIONS, PLATFORMATIC_SEND_OPTIONS } from '@gateway/messaging/kafka-settings';
import { MessagesStreamFallbackModes, MessagesStreamModes, type MessageToProduce, type Producer } from '@platformatic/kafka';
import { TurnBatcher } from './turn-batcher';

/**
 * @platformatic/kafka client settings: the services' (timeouts, retries: @gateway/messaging's
 * client-settings.ts), as the kafkajs side of the floor has them (bare-kafka.ts).
 */
export function baseOptions(brokers: string[], clientId: string) {
  return platformaticBaseOptions({ brokers }, clientId);
}

/** Not idempotent, no compression (as the services' producers); acks go with each send (PLATFORMATIC_SEND_OPTIONS). */
export function producerOptions(brokers: string[], clientId: string) {
  return { ...baseOptions(brokers, clientId), idempotent: false, autocreateTopics: false };
}

/**
 * Consumer settings as kafkajs' `maxWaitTimeInMs: 100` (min bytes 1, the default of both), the
 * services' group timing, `fromBeginning: true` on fresh topics with a group of their own: the
 * committed offset, else the earliest. Offsets committed after each fetch.
 */
export const CONSUME_OPTIONS = {
  minBytes: 1,
  maxWaitTime: 100,
  ...PLATFORMATIC_GROUP_OPTIONS,
  autocommit: true,
  mode: MessagesStreamModes.COMMITTED,
  fallbackMode: MessagesStreamFallbackModes.EARLIEST,
} as const;

/** Client error lines printed per process before they are only counted (an outage makes thousands). */
const MAX_PRINTED = 10;
let printed = 0;
let suppressed = 0;

/** Prints the first few client errors on stderr, then every 1000th with a count (as bare-kafka.ts does for kafkajs). */
export function reportError(where: string, error: Error): void {
  if (printed < MAX_PRINTED) {
    printed++;
    process.stderr.write(
      `platformatic-kafka ${where}: ${error.message}${printed === MAX_PRINTED ? ' (further client errors only counted)' : ''}\n`,
    );
    return;
  }
  suppressed++;
  if (suppressed % 1000 === 0) process.stderr.write(`platformatic-kafka: ${suppressed} more errors, last: ${where}: ${error.message}\n`);
}

/**
 * A @platformatic/kafka producer that sends everything added in one event-loop turn as one
 * `send` (one produce request per broker). A failed send reports the ids it carried.
 */
export class TurnProducer<Key, Value, HeaderKey, HeaderValue> {
  private readonly batcher: TurnBatcher<{ id: string; message: MessageToProduce<Key, Value, HeaderKey, HeaderValue> }>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly producer: Producer<Key, Value, HeaderKey, HeaderValue>,
    onFailure: (ids: string[], error: Error) => void,
  ) {
    this.batcher = new TurnBatcher((items) => {
      const sending = this.producer.send({ ...PLATFORMATIC_SEND_OPTIONS, messages: items.map((i) => i.message) }).then(
        () => undefined,
        (error: Error) =>
          onFailure(
            items.map((i) => i.id),
            error,
          ),
      );
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    });
  }

  add(id: string, message: MessageToProduce<Key, Value, HeaderKey, HeaderValue>): void {
    this.batcher.add({ id, message });
  }

  /** Waits for the sends in flight, then closes the producer. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.producer.close();
  }
}
