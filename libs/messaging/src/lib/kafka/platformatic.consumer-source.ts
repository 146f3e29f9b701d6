import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message, type MessagesStream } from '@platformatic/kafka';
import type { InboundMessage } from '../ports/inbound-message';
import { KAFKA_CLIENT_SETTINGS } from './client-settings';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver } from '../ports/kafka-transport.port';
import type { LogPort } from '../ports/log.port';
import { delay, READY_FETCH_AGE_MS } from './consumer-timing';
import type { KafkaConnection } from '../security/kafka-security';
import { guardMetadataLookups } from './platformatic.metadata-guard';
import { platformaticBaseOptions, PLATFORMATIC_GROUP_OPTIONS } from './platformatic.options';

type Stream = MessagesStream<Buffer, Buffer, string, string>;
type PlatformaticMessage = Message<Buffer, Buffer, string, string>;

const utf8 = (data?: Buffer): string | undefined => data?.toString('utf8');

/**
 * A @platformatic/kafka consumer as a {@link ConsumerSource}: a `consume()` stream in flowing mode
 * whose messages are handed over as they are pushed (in order per partition); at the owner's
 * in-flight limit the stream is paused (it stops fetching once its buffer is full) and resumed
 * when there is room again. Offsets are committed only when the owner says so (no autocommit).
 * Fetch pacing holds the stream between a response and the next fetch (after the response's
 * messages were handed over), as the kafkajs source does at the end of `eachBatch`.
 */
export class PlatformaticConsumerSource implements ConsumerSource {
  private readonly consumer: Consumer<Buffer, Buffer, string, string>;
  private readonly log: LogPort;
  private stream: Stream | undefined;
  private joined = false;
  private lastFetchAt = 0;
  private stopped = false;
  /** Reasons the stream is paused now (at the in-flight limit, pacing); it resumes when none is left. */
  private holds = 0;
  private closed: Promise<void> | undefined;

  constructor(
    connection: KafkaConnection,
    clientId: string,
    private readonly options: ConsumerSourceOptions,
    groupInstanceId?: string,
  ) {
    this.log = options.logger;
    const { fetch } = options;
    this.consumer = new Consumer({
      ...platformaticBaseOptions(connection, clientId),
      ...(options.fixedPartitions ? { retries: KAFKA_CLIENT_SETTINGS.singlePartitionConsumerRetries } : {}),
      groupId: options.groupId,
      ...(groupInstanceId ? { groupInstanceId } : {}),
      ...PLATFORMATIC_GROUP_OPTIONS,
      minBytes: fetch.minBytes,
      maxWaitTime: fetch.maxWaitMs,
      deserializers: { headerKey: utf8, headerValue: utf8 },
    });
    guardMetadataLookups(this.consumer);
  }

  get ready(): boolean {
    if (this.stopped || !this.joined || !this.stream) return false;
    // A member the group gave no partition fetches nothing, and is still a healthy member.
    const mine = this.consumer.assignments?.some((a) => a.topic === this.options.topic && a.partitions.length > 0) ?? false;
    return !mine || Date.now() - this.lastFetchAt < READY_FETCH_AGE_MS;
  }

  async start(deliver: Deliver, onDead: (error: Error) => void): Promise<void> {
    const { consumer } = this;
    const { fixedPartitions, topic } = this.options;
    // Registered before the stream's own listener, so the stream fetches what is set here.
    consumer.on('consumer:group:join', () => {
      // This client gives a group's only member every partition, whatever its assigner says: a
      // consumer of fixed partitions (a group of one) narrows its assignment itself.
      if (fixedPartitions) consumer.assignments = [{ topic, partitions: fixedPartitions() }];
      this.joined = true;
      this.log.info({ assignments: consumer.assignments }, 'joined group');
      this.options.onAssigned?.(consumer.assignments?.find((a) => a.topic === topic)?.partitions ?? []);
    });
    consumer.on('consumer:group:rebalance', () => (this.joined = false));
    consumer.on('consumer:heartbeat:error', ({ error }) => this.log.warn({ err: error }, 'heartbeat failed'));
    // The client failed to rejoin its group after retrying: build a new one.
    consumer.on('error', (error: Error) => this.fail(error, onDead));
    const stream = await consumer.consume({
      topics: [this.options.topic],
      autocommit: false,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.LATEST,
    });
    this.stream = stream;
    stream.on('error', (error: Error) => this.fail(error, onDead));
    stream.on('data', (message: PlatformaticMessage) => {
      const inbound = toInbound(message);
      const full = deliver(inbound);
      // At the in-flight limit: hold the stream (no further message comes) and offer this one again.
      if (full) this.holdUntil(this.offerAgain(inbound, full, deliver));
    });
    const pacingMs = this.options.fetch.pacingMs;
    let fetchStartedAt = 0;
    stream.on('fetch', () => {
      const now = (this.lastFetchAt = Date.now());
      const wait = fetchStartedAt + pacingMs - now;
      if (wait <= 0) {
        fetchStartedAt = now; // the next fetch goes out at once
        return;
      }
      // The response's messages are pushed — and handed over — right after this event, and the
      // next fetch is scheduled for the next tick: hold the stream before that tick, unless
      // messages are still buffered (then the stream is already held, by the in-flight limit).
      process.nextTick(() => {
        if (this.stopped || stream.readableLength > 0) return;
        this.holdUntil(delay(wait).then(() => void (fetchStartedAt = Date.now())));
      });
    });
  }

  private async offerAgain(message: InboundMessage, full: Promise<void>, deliver: Deliver): Promise<void> {
    for (let wait: Promise<void> | undefined = full; wait && !this.stopped; wait = deliver(message)) await wait;
  }

  /** Pauses the stream until `released` settles (and no other hold is left). */
  private holdUntil(released: Promise<void>): void {
    if (this.holds++ === 0) this.stream?.pause();
    void released.finally(() => {
      if (--this.holds === 0 && !this.stopped) this.stream?.resume();
    });
  }

  stopFetching(): void {
    this.stopped = true;
    this.stream?.pause();
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    await this.consumer.commit({
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })),
    });
  }

  close(): Promise<void> {
    this.stopped = true;
    this.closed ??= (async () => {
      await this.stream?.close().catch((error: unknown) => this.log.warn({ err: error }, 'stream close failed'));
      await this.consumer.close().catch((error: unknown) => this.log.warn({ err: error }, 'consumer close failed'));
    })();
    return this.closed;
  }

  private fail(error: Error, onDead: (error: Error) => void): void {
    this.joined = false;
    if (this.stopped) return;
    this.log.error({ err: error }, 'consumer failed');
    onDead(error);
  }
}

function toInbound(message: PlatformaticMessage): InboundMessage {
  const headers: Record<string, string> = {};
  // A header given twice keeps its last value (contract §3), as with kafkajs.
  for (const [name, value] of message.headers) if (name !== undefined && value !== undefined) headers[name] = value;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    timestamp: Number(message.timestamp),
  };
}
