import type { Logger } from 'pino';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { OffsetTracker } from '../consumer/offset-tracker';
import type { InboundMessage } from '../ports/inbound-message';
import type { CommitOffset, ConsumerSource, FetchSettings } from '../ports/kafka-transport.port';
import { delay } from './consumer-timing';
import type { MessageConsumerOptions } from './message-consumer.options';
import { MessageDelivery } from './message-delivery';

// Its options and handler types live beside it; importers of the consumer find them here too.
export * from './message-consumer.options';

const COMMIT_INTERVAL_MS = 100;

/**
 * The policy around a handler, on any Kafka client ({@link ConsumerSource}): handle messages of a
 * batch concurrently (bounded by `maxInFlight`, holding the fetch back rather than dropping), each
 * through {@link MessageDelivery} (decode, run the handler once, publish what it returns,
 * dead-letter what fails), commit only a contiguous prefix of finished offsets, and rebuild the
 * client's consumer if it dies for good.
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
  private readonly delivery: MessageDelivery<T>;

  constructor(private readonly options: MessageConsumerOptions<T>) {
    if (!options.groupId) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'groupId is required');
    if (!options.topic) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'topic is required');
    this.maxInFlight = options.maxInFlight ?? 1000;
    if (!(this.maxInFlight >= 1)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'maxInFlight must be >= 1');
    this.commitEnabled = options.commit ?? true;
    this.fetch = { minBytes: 1, maxWaitMs: 100, pacingMs: 0, ...options.fetch };
    if (!(this.fetch.pacingMs >= 0)) throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, 'fetch pacing must be >= 0');
    this.log = options.logger.child({ component: 'consumer', topic: options.topic, groupId: options.groupId });
    const { decode, handle, publisher, deadLetters, attempts } = options;
    const running = (): boolean => this.state === 'running';
    this.delivery = new MessageDelivery({ decode, handle, publisher, deadLetters, attempts, log: this.log, running });
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
    const { transport, groupId, topic, fixedPartitions, onAssigned } = this.options;
    const source = transport.createConsumerSource({
      groupId,
      topic,
      logger: this.log,
      fetch: this.fetch,
      ...(fixedPartitions ? { fixedPartitions } : {}),
      ...(onAssigned ? { onAssigned } : {}),
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
    const task = this.delivery.deliver(inbound).then(
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
