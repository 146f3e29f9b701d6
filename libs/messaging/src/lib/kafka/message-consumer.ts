import type { Logger } from 'pino';
import { MessagingError, MessagingErrorCodes, type MessagingErrorCode } from '../errors/messaging.errors';
import type { Validated } from '../contract/result';
import { OffsetTracker } from '../consumer/offset-tracker';
import type { InboundMessage } from '../ports/inbound-message';
import type { CommitOffset, ConsumerSource, FetchSettings, KafkaTransport } from '../ports/kafka-transport.port';
import type { OutgoingMessage, Publisher } from '../ports/publisher.port';
import { delay } from './consumer-timing';
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
  /** Commit offsets (default true). A reply consumer that re-reads from "latest" need not. */
  commit?: boolean;
  /**
   * Fetch settings (default: 1 byte, 100 ms, no pacing). Pacing: a fetch starts no sooner than this
   * after the one before it started, so messages arriving meanwhile come in one batch — fewer,
   * larger Kafka requests for a bounded delay.
   */
  fetch?: Partial<FetchSettings>;
  /** Read exactly these partitions, in a group of this instance alone (see ConsumerSourceOptions). */
  fixedPartitions?: () => number[];
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

const COMMIT_INTERVAL_MS = 100;

/**
 * The policy around a handler, on any Kafka client ({@link ConsumerSource}): decode, dead-letter
 * what cannot be decoded, handle messages of a batch concurrently (bounded by `maxInFlight`,
 * holding the fetch back rather than dropping), run each handler once and publish what it returns
 * (retrying the publish, never the handler's work), commit only a contiguous prefix of finished
 * offsets, and rebuild the client's consumer if it dies for good.
 */
export class MessageConsumer<T> {
  private source: ConsumerSource | undefined;
  private readonly tracker = new OffsetTracker();
  private readonly maxInFlight: number;
  private readonly commitEnabled: boolean;
  private readonly toCommit = new Map<string, CommitOffset>();
  private commitTimer: NodeJS.Timeout | undefined;
  private capacityWaiters: Array<() => void> = [];
  private running = new Set<Promise<void>>();
  private readonly fetch: FetchSettings;
  private state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  private readonly log: Logger;
  private readonly attempts: DeliveryAttempts;

  constructor(private readonly options: MessageConsumerOptions<T>) {
    if (!options.groupId) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'groupId is required');
    if (!options.topic) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'topic is required');
    this.maxInFlight = options.maxInFlight ?? 1000;
    if (!(this.maxInFlight >= 1)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'maxInFlight must be >= 1');
    this.commitEnabled = options.commit ?? true;
    this.fetch = { minBytes: 1, maxWaitMs: 100, pacingMs: 0, ...options.fetch };
    if (!(this.fetch.pacingMs >= 0)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'fetch pacing must be >= 0');
    this.log = options.logger.child({ component: 'consumer', topic: options.topic, groupId: options.groupId });
    this.attempts = { ...DELIVERY_ATTEMPTS, ...options.attempts };
    if (!(this.attempts.refusedPublish >= 1 && this.attempts.deadLetter >= 1))
      throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'delivery attempts must be >= 1');
  }

  /** Messages being handled now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** True while the consumer is in its group and fetched recently (the broker answers). */
  get ready(): boolean {
    return this.state === 'running' && (this.source?.ready ?? false);
  }

  /** Connects, subscribes and resolves once the group was joined and a first fetch returned. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'running';
    const until = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.build();
        break;
      } catch (error) {
        // A broker that is still starting, or metadata not yet propagated: try again until the limit.
        await this.source?.close().catch(() => undefined);
        if (Date.now() > until || this.state !== 'running') throw error;
        this.log.warn({ err: error, attempt }, 'consumer start failed; retrying');
        await delay(Math.min(2000, 200 * attempt));
      }
    }
    await this.waitUntilReady(Math.max(1000, until - Date.now()));
  }

  /**
   * Stops fetching, lets messages in hand finish (up to `graceMs`), commits what finished and
   * disconnects. Safe to call twice.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    this.capacityWaiters.splice(0).forEach((wake) => wake());
    const source = this.source;
    // Stop fetching but stay in the group, so what finishes while draining can still be committed.
    source?.stopFetching();
    await Promise.race([Promise.allSettled([...this.running]), delay(graceMs)]);
    clearTimeout(this.commitTimer);
    await this.flushCommits(source);
    await source?.close();
    this.state = 'closed';
  }

  private async build(): Promise<void> {
    const { transport, groupId, topic, fixedPartitions } = this.options;
    const source = transport.createConsumerSource({
      groupId,
      topic,
      logger: this.log,
      fetch: this.fetch,
      ...(fixedPartitions ? { fixedPartitions } : {}),
    });
    this.source = source;
    let dead = false;
    await source.start(
      (message) => this.take(message),
      (error) => {
        if (dead || this.state !== 'running' || this.source !== source) return;
        dead = true;
        void this.rebuild(source, error);
      },
    );
  }

  /** The client will not recover this consumer: build a new one, with a pause between attempts. */
  private async rebuild(dead: ConsumerSource, error: Error): Promise<void> {
    await dead.close().catch(() => undefined);
    for (let attempt = 1; this.state === 'running'; attempt++) {
      try {
        await this.build();
        this.log.warn({ attempt }, 'consumer rebuilt after crash');
        this.options.onRebuild?.(error);
        return;
      } catch (cause) {
        this.log.error({ err: cause, attempt }, 'consumer rebuild failed');
        await this.source?.close().catch(() => undefined);
        // Short: a broker that is away refuses at once on connect, and every second of back-off
        // is a second of partial answers after it is back (contract §7, the 1 s target).
        await delay(Math.min(1000, 100 * 2 ** attempt));
      }
    }
  }

  /** Starts handling one message, or returns a promise to wait for (at the in-flight limit: not taken). */
  private take(inbound: InboundMessage): Promise<void> | undefined {
    if (this.state !== 'running') return undefined; // closing: left uncommitted, read again by the next owner
    if (this.running.size >= this.maxInFlight) return this.capacity();
    const offset = Number(inbound.offset);
    this.tracker.begin(inbound.topic, inbound.partition, offset);
    const task = this.process(inbound).then(
      () => {
        const next = this.tracker.done(inbound.topic, inbound.partition, offset);
        if (next !== undefined) this.scheduleCommit(inbound.topic, inbound.partition, next);
      },
      // Given up while closing: left uncommitted, so the next owner of the partition gets it again.
      () => undefined,
    );
    this.running.add(task);
    void task.finally(() => {
      this.running.delete(task);
      this.capacityWaiters.shift()?.();
    });
    return undefined;
  }

  /** Resolves once fewer than `maxInFlight` messages are in hand (or the consumer closes). */
  private async capacity(): Promise<void> {
    while (this.running.size >= this.maxInFlight && this.state === 'running') {
      await new Promise<void>((wake) => this.capacityWaiters.push(wake));
    }
  }

  /**
   * Decodes, handles once, publishes the output, and dead-letters what fails; resolves when the
   * message may be committed. Rejects only while closing: the message is then left uncommitted and
   * read again by the partition's next owner.
   */
  private async process(message: InboundMessage): Promise<void> {
    const decoded = this.options.decode(message);
    if (!decoded.ok) return this.deadLetter(message, decoded.code, decoded.reason);
    let output: HandlerOutput;
    try {
      output = await this.options.handle(decoded.value, message);
    } catch (cause) {
      const error = asError(cause);
      this.log.warn({ err: error, partition: message.partition, offset: message.offset }, 'handler failed; dead-lettering');
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
        this.log.warn({ err: error, partition: message.partition, offset: message.offset, attempt }, 'publishing the output failed');
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

  /** Waits before the next attempt; while closing, rejects with `error` instead (the message stays uncommitted). */
  private async backOff(attempt: number, error: Error): Promise<void> {
    if (this.state !== 'running') throw error;
    await delay(Math.min(5000, 100 * 2 ** attempt));
  }

  private scheduleCommit(topic: string, partition: number, offset: number): void {
    if (!this.commitEnabled) return;
    this.toCommit.set(`${topic}:${partition}`, { topic, partition, offset: String(offset) });
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.flushCommits(this.source);
    }, COMMIT_INTERVAL_MS);
  }

  private async flushCommits(source: ConsumerSource | undefined): Promise<void> {
    if (!source || this.toCommit.size === 0) return;
    const offsets = [...this.toCommit.values()];
    this.toCommit.clear();
    try {
      await source.commit(offsets);
    } catch (error) {
      // Rebalance or broker outage: the messages are redelivered to whoever owns the partition next.
      this.log.warn({ err: error, offsets }, 'commit failed');
    }
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.ready) {
      if (Date.now() > until) {
        throw new MessagingError(
          MessagingErrorCodes.KAFKA_UNAVAILABLE,
          `consumer of ${this.options.topic} not ready after ${timeoutMs} ms`,
          { topic: this.options.topic },
        );
      }
      await delay(50);
    }
  }
}

function asError(cause: unknown): Error {
  return cause instanceof Error ? cause : new Error(String(cause));
}
