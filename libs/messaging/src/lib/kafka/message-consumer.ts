import type { Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { Validated } from '../contract/result';
import { OffsetTracker } from '../consumer/offset-tracker';
import type { InboundMessage } from '../ports/inbound-message';
import type { DeadLetterQueue } from './dead-letter.queue';

/** Options of {@link MessageConsumer}; checked at construction. */
export interface MessageConsumerOptions<T> {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  /** Turns a raw message into a value, or a reason to dead-letter it. */
  decode: (message: InboundMessage) => Validated<T>;
  /** Handles a value; the message is committed only after the promise resolves. */
  handle: (value: T, message: InboundMessage) => Promise<void>;
  deadLetters: DeadLetterQueue;
  /** Messages handled at once before fetching pauses (default 1000). */
  maxInFlight?: number;
  /** Commit offsets (default true). A reply consumer that re-reads from "latest" need not. */
  commit?: boolean;
  /**
   * Fetch pacing, in ms (default 0: none): a fetch starts no sooner than this after the one before
   * it started, so messages arriving meanwhile come in one batch — fewer, larger Kafka requests for
   * a bounded delay. A fetch that waited at the broker longer than this is followed at once.
   */
  fetchPacingMs?: number;
  /** Extra kafkajs consumer settings (partition assigners, session timeout …). */
  consumerConfig?: Partial<ConsumerConfig>;
  /** Called when the consumer crashed for good and was rebuilt. */
  onRebuild?: (error: Error) => void;
}

const COMMIT_INTERVAL_MS = 100;
const PARTITIONS_AT_ONCE = 16;
const READY_FETCH_AGE_MS = 5000;

/**
 * A kafkajs consumer wrapper that owns the policy around a handler: decode, dead-letter what cannot
 * be decoded, handle messages of a batch concurrently (bounded by `maxInFlight`, pausing the fetch
 * rather than dropping), commit only a contiguous prefix of finished offsets, retry a handler that
 * fails with a retriable error, and rebuild the kafkajs consumer if it crashes for good.
 */
export class MessageConsumer<T> {
  private consumer: Consumer | undefined;
  private readonly tracker = new OffsetTracker();
  private readonly maxInFlight: number;
  private readonly commitEnabled: boolean;
  private readonly toCommit = new Map<string, { topic: string; partition: number; offset: string }>();
  private commitTimer: NodeJS.Timeout | undefined;
  private capacityWaiters: Array<() => void> = [];
  private running = new Set<Promise<void>>();
  private lastFetchAt = 0;
  private fetchStartedAt = 0;
  private readonly fetchPacingMs: number;
  private joined = false;
  private state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  private readonly log: Logger;

  constructor(private readonly options: MessageConsumerOptions<T>) {
    if (!options.groupId) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'groupId is required');
    if (!options.topic) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'topic is required');
    this.maxInFlight = options.maxInFlight ?? 1000;
    if (!(this.maxInFlight >= 1)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'maxInFlight must be >= 1');
    this.commitEnabled = options.commit ?? true;
    this.fetchPacingMs = options.fetchPacingMs ?? 0;
    if (!(this.fetchPacingMs >= 0)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'fetchPacingMs must be >= 0');
    this.log = options.logger.child({ component: 'consumer', topic: options.topic, groupId: options.groupId });
  }

  /** Messages being handled now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** True while the consumer is in its group and fetched recently (the broker answers). */
  get ready(): boolean {
    return this.state === 'running' && this.joined && Date.now() - this.lastFetchAt < READY_FETCH_AGE_MS;
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
        await this.consumer?.disconnect().catch(() => undefined);
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
    const consumer = this.consumer;
    // Stop fetching but stay in the group, so what finishes while draining can still be committed.
    consumer?.pause([{ topic: this.options.topic }]);
    await Promise.race([Promise.allSettled([...this.running]), delay(graceMs)]);
    clearTimeout(this.commitTimer);
    await this.flushCommits(consumer);
    if (consumer) await consumer.stop().catch((error: unknown) => this.log.warn({ err: error }, 'stop failed'));
    if (consumer) await consumer.disconnect().catch((error: unknown) => this.log.warn({ err: error }, 'disconnect failed'));
    this.state = 'closed';
  }

  private async build(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      maxWaitTimeInMs: 100,
      minBytes: 1,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 10_000,
      ...this.options.consumerConfig,
      groupId: this.options.groupId,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.joined = true;
      this.log.info({ assignment: event.payload.memberAssignment }, 'joined group');
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.joined = false;
    });
    consumer.on(consumer.events.FETCH_START, () => {
      this.fetchStartedAt = Date.now();
    });
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.joined = false;
      this.log.error({ err: error, restart }, 'consumer crashed');
      if (!restart && this.state === 'running') void this.rebuild(consumer, error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition's batch of a fetch is dispatched at once, so the pacing wait at the end of
      // eachBatch delays the next fetch, not the other partitions' messages.
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** kafkajs will not restart this consumer: build a new one, with a pause between attempts. */
  private async rebuild(dead: Consumer, error: Error): Promise<void> {
    await dead.disconnect().catch(() => undefined);
    for (let attempt = 1; this.state === 'running'; attempt++) {
      try {
        await this.build();
        this.log.warn({ attempt }, 'consumer rebuilt after crash');
        this.options.onRebuild?.(error);
        return;
      } catch (cause) {
        this.log.error({ err: cause, attempt }, 'consumer rebuild failed');
        await delay(Math.min(5000, 250 * 2 ** attempt));
      }
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      while (this.running.size >= this.maxInFlight && this.state === 'running') {
        await Promise.race([new Promise<void>((wake) => this.capacityWaiters.push(wake)), delay(1000)]);
        await heartbeat();
      }
      if (this.state !== 'running') return;
      const inbound = toInbound(batch.topic, batch.partition, message);
      const offset = Number(message.offset);
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
      resolveOffset(message.offset);
    }
    // kafkajs fetches again once every batch of this fetch returned: pace it (see fetchPacingMs).
    const wait = this.fetchStartedAt + this.fetchPacingMs - Date.now();
    if (wait > 0 && this.state === 'running') await delay(wait);
  }

  /** Decodes and handles one message; never rejects (failures are retried or dead-lettered). */
  private async process(message: InboundMessage): Promise<void> {
    const decoded = this.options.decode(message);
    if (!decoded.ok) {
      await this.retry(message, () => this.options.deadLetters.send(message, decoded.code, decoded.reason));
      return;
    }
    const failed = await this.retry(message, () => this.options.handle(decoded.value, message), 5);
    if (failed) {
      const reason = `handler failed: ${failed.message}`;
      await this.retry(message, () => this.options.deadLetters.send(message, 'MSG_HANDLER_FAILED', reason));
    }
  }

  /**
   * Runs `fn` until it succeeds. Retriable errors are retried while the consumer runs; others up to
   * `maxAttempts` times, after which the last error is returned for the caller to dead-letter.
   */
  private async retry(message: InboundMessage, fn: () => Promise<void>, maxAttempts = Infinity): Promise<Error | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return undefined;
      } catch (cause) {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        const retriable = error instanceof MessagingError && error.retriable;
        this.log.warn({ err: error, offset: message.offset, partition: message.partition, attempt }, 'handling failed');
        if (!retriable && attempt >= maxAttempts) return error;
        if (this.state !== 'running') throw error; // left uncommitted: redelivered after restart
        await delay(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }

  private scheduleCommit(topic: string, partition: number, offset: number): void {
    if (!this.commitEnabled) return;
    this.toCommit.set(`${topic}:${partition}`, { topic, partition, offset: String(offset) });
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.flushCommits(this.consumer);
    }, COMMIT_INTERVAL_MS);
  }

  private async flushCommits(consumer: Consumer | undefined): Promise<void> {
    if (!consumer || this.toCommit.size === 0) return;
    const offsets = [...this.toCommit.values()];
    this.toCommit.clear();
    try {
      await consumer.commitOffsets(offsets);
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

function toInbound(topic: string, partition: number, message: KafkaMessage): InboundMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: stringHeaders(message.headers) };
}

/** Kafka headers as strings (contract §3); a header given twice keeps its last value. */
export function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString('utf8');
  }
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
