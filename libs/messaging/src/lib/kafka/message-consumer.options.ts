import type { Logger } from 'pino';
import type { Validated } from '../contract/result';
import type { InboundMessage } from '../ports/inbound-message';
import type { FetchSettings, KafkaTransport } from '../ports/kafka-transport.port';
import type { OutgoingMessage, Publisher } from '../ports/publisher.port';
import type { DeadLetterQueue } from './dead-letter.queue';

/** What a handler produced for one message: published by the consumer before the message is committed. */
export type HandlerOutput = readonly OutgoingMessage[];

/** A handler that produced nothing to publish (a reply that was only recorded, a duplicate). */
export const NO_OUTPUT: HandlerOutput = Object.freeze([]);

/** Options of {@link MessageConsumer}; checked at construction. */
export interface MessageConsumerOptions<T> {
  transport: KafkaTransport;
  groupId: string;
  topic: string;
  logger: Logger;
  /** Turns a raw message into a value, or a reason to dead-letter it. */
  decode: (message: InboundMessage) => Validated<T>;
  /**
   * Does the work for one value, once, and returns what to publish for it (the reply, the
   * aggregate). The consumer publishes that, retrying the publish alone, and commits the message
   * after it; a handler that throws has its message dead-lettered (`MSG_HANDLER_FAILED`).
   */
  handle: (value: T, message: InboundMessage) => Promise<HandlerOutput> | HandlerOutput;
  /** Publishes what handlers return. */
  publisher: Publisher;
  deadLetters: DeadLetterQueue;
  /** Messages handled at once before fetching pauses (default 1000). */
  maxInFlight?: number;
  /** Commit offsets (default true): a consumer rebuilt after a crash goes on from the last commit (else from "latest"). */
  commit?: boolean;
  /**
   * Fetch settings (default: 1 byte, 100 ms, no pacing). Pacing: a fetch starts no sooner than this
   * after the one before it started, so messages arriving meanwhile come in one batch — fewer,
   * larger Kafka requests for a bounded delay.
   */
  fetch?: Partial<FetchSettings>;
  /** Read exactly these partitions, in a group of this instance alone (see ConsumerSourceOptions). */
  fixedPartitions?: () => number[];
  /** Called with the partitions this member was given, each time it joins its group (see ConsumerSourceOptions). */
  onAssigned?: (partitions: number[]) => void;
  /** Called when the consumer crashed for good and was rebuilt. */
  onRebuild?: (error: Error) => void;
  /** Attempts at things that fail for good: a publish the broker refuses, a dead letter (see {@link DELIVERY_ATTEMPTS}). */
  attempts?: Partial<DeliveryAttempts>;
}

/** How often the consumer tries what may fail for good before it gives up on it. */
export interface DeliveryAttempts {
  /** Publishing a handler's output that the broker refuses (an unwritable reply topic …); then the message is dead-lettered. */
  refusedPublish: number;
  /** Sending a dead letter, whatever the error; then it is logged with its coordinates, counted, and committed. */
  deadLetter: number;
}

export const DELIVERY_ATTEMPTS: DeliveryAttempts = { refusedPublish: 3, deadLetter: 5 };
