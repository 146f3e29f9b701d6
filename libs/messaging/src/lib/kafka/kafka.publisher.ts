import type { Logger } from 'pino';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { ProduceClient } from '../ports/kafka-transport.port';
import { retryDelayMs } from './client-settings';
import type { OutgoingMessage, PublishOptions, Publisher } from '../ports/publisher.port';

interface Waiter {
  messages: OutgoingMessage[];
  resolve: () => void;
  reject: (error: Error) => void;
  /** {@link PublishOptions.retryUntil}. */
  retryUntil?: number;
  /** {@link PublishOptions.onRetry}. */
  onRetry?: (error: Error) => void;
  /** Failed sends so far. */
  failures: number;
}

/** Options of {@link KafkaPublisher}. */
export interface PublisherOptions {
  /** How long a busy publisher gathers publishes into one request, in ms (default 0: one per event-loop turn). */
  lingerMs?: number;
  /** Largest produce request, in bytes (default 512 KiB; the broker's default `message.max.bytes` is 1 MiB). */
  maxBatchBytes?: number;
  /** Produce requests out at once at most (default 0: no bound). */
  maxInFlight?: number;
}

/** The publisher counts as busy (and lingers) while its previous produce request is this recent. */
export const BUSY_WINDOW_MS = 10;

/**
 * The Kafka {@link Publisher}, on any client's {@link ProduceClient}: the publishes of one
 * event-loop turn go out in a single produce request (acks from all in-sync replicas), and each
 * caller's promise settles with its batch. While busy — the previous request went out less than
 * {@link BUSY_WINDOW_MS} ago — it lingers `lingerMs` to gather more into the request; an idle
 * publisher sends on the next turn, so a lone request pays no linger. With `maxInFlight`, at most
 * that many produce requests are out at once: what is published meanwhile waits for one of them to be answered and
 * goes out together in the next, so the busier the publisher, the fuller its requests, and the
 * number of requests (each a system call and a wake-up of the broker) does not grow with the load.
 *
 * A publish with `retryUntil` that fails in a way worth retrying is sent again on its own — apart
 * from the others of its request, so that one partition without a leader (a broker being replaced
 * in a cluster) holds up only the messages bound for it — after the clients' back-off, until the next
 * attempt would start after `retryUntil`; then it fails with the last error.
 */
export class KafkaPublisher implements Publisher {
  private queue: Waiter[] = [];
  private flushScheduled = false;
  private started: Promise<void> | undefined;
  private closed = false;
  private inFlightBatches = new Set<Promise<void>>();
  private lastSendAt = Number.NEGATIVE_INFINITY;
  /** A flush found `maxInFlight` requests out: the next answer flushes. */
  private flushWaiting = false;
  /** Publishes waiting to be sent again, with the error that will fail them if the publisher closes first. */
  private readonly retrying = new Map<Waiter, { timer: NodeJS.Timeout; error: Error }>();

  private readonly lingerMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly producer: ProduceClient,
    private readonly logger: Logger,
    options: PublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.maxInFlight = options.maxInFlight ?? 0;
  }

  /** True while the producer holds a connection to the cluster. */
  get connected(): boolean {
    return this.producer.connected;
  }

  /** Connects the producer; safe to call twice. */
  start(): Promise<void> {
    this.started ??= this.producer.connect();
    return this.started;
  }

  publish(messages: OutgoingMessage[], options: PublishOptions = {}): Promise<void> {
    if (this.closed) {
      return Promise.reject(new MessagingError(MessagingErrorCodes.CLOSED, 'publisher is closed'));
    }
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject, retryUntil: options.retryUntil, onRetry: options.onRetry, failures: 0 });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        const busy = performance.now() - this.lastSendAt < BUSY_WINDOW_MS;
        if (this.lingerMs > 0 && busy) setTimeout(() => this.flush(), this.lingerMs);
        else setImmediate(() => this.flush());
      }
    });
  }

  /** Sends what is queued, waits for batches in flight, then disconnects; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [waiter, { timer, error }] of this.retrying) {
      clearTimeout(timer);
      waiter.reject(error);
    }
    this.retrying.clear();
    this.flush();
    await Promise.allSettled([...this.inFlightBatches]);
    await this.producer.disconnect();
  }

  private flush(): void {
    this.flushScheduled = false;
    const waiters = this.queue;
    if (waiters.length === 0) return;
    if (this.maxInFlight > 0 && this.inFlightBatches.size >= this.maxInFlight && !this.closed) {
      this.flushWaiting = true;
      return;
    }
    this.queue = [];
    this.lastSendAt = performance.now();
    for (const chunk of chunkWaiters(waiters, this.maxBatchBytes)) this.send(chunk);
  }

  /** One produce request for the messages of `waiters`; each settles with it. */
  private send(waiters: Waiter[]): void {
    const messages = waiters.flatMap((w) => w.messages);
    const batch = this.producer
      .send(messages)
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (cause: unknown) => {
          const topics = [...new Set(messages.map((m) => m.topic))].join(', ');
          // The broker refusing the request itself (a message too large …) will refuse it again.
          const error = new MessagingError(
            this.producer.isRefusal(cause) ? MessagingErrorCodes.PUBLISH_REFUSED : MessagingErrorCodes.KAFKA_UNAVAILABLE,
            `could not publish to ${topics}: ${(cause as Error).message}`,
            { topic: topics },
            cause,
          );
          const retriable = error.code === MessagingErrorCodes.KAFKA_UNAVAILABLE;
          const later = waiters.filter((w) => !(retriable && this.retryLater(w, error)));
          if (later.length < waiters.length) this.logger.debug({ component: 'publisher', err: error }, 'publish failed; sending again');
          if (later.length > 0) this.logger.warn({ component: 'publisher', err: error }, 'publish failed');
          later.forEach((w) => w.reject(error));
        },
      )
      .finally(() => {
        this.inFlightBatches.delete(batch);
        if (this.flushWaiting) {
          this.flushWaiting = false;
          this.flush();
        }
      });
    this.inFlightBatches.add(batch);
  }

  /** Schedules `waiter` to be sent again on its own, if its `retryUntil` leaves time; false if not. */
  private retryLater(waiter: Waiter, error: Error): boolean {
    if (waiter.retryUntil === undefined || this.closed) return false;
    // The clients' own back-off (client-settings.ts): doubling from 100 ms, at most 1 s, with jitter.
    const wait = retryDelayMs(waiter.failures + 1);
    if (Date.now() + wait >= waiter.retryUntil) return false;
    waiter.failures++;
    waiter.onRetry?.(error);
    const timer = setTimeout(() => {
      this.retrying.delete(waiter);
      this.send([waiter]);
    }, wait);
    this.retrying.set(waiter, { timer, error });
    return true;
  }
}

/** Approximate bytes a message takes in a produce request. */
function sizeOf(message: OutgoingMessage): number {
  let size = 64 + (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += name.length + value.length + 8;
  return size;
}

/**
 * Splits the waiters of one turn into groups of at most `maxBytes` (a waiter's messages stay
 * together; one larger than the limit goes alone), so that a burst never makes a produce request
 * the broker refuses as too large.
 */
export function chunkWaiters<W extends { messages: OutgoingMessage[] }>(waiters: W[], maxBytes: number): W[][] {
  const chunks: W[][] = [];
  let current: W[] = [];
  let bytes = 0;
  for (const waiter of waiters) {
    const size = waiter.messages.reduce((sum, m) => sum + sizeOf(m), 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(waiter);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
