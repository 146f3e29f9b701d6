import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  type GroupPartitionsAssigner,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { InboundMessage } from '../ports/inbound-message';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver } from '../ports/kafka-transport.port';
import { platformaticBaseOptions } from './platformatic.options';

const READY_FETCH_AGE_MS = 5000;

type Stream = MessagesStream<Buffer, Buffer, string, string>;
type PlatformaticMessage = Message<Buffer, Buffer, string, string>;

const utf8 = (data?: Buffer): string | undefined => data?.toString('utf8');

/**
 * A @platformatic/kafka consumer as a {@link ConsumerSource}: a `consume()` stream in flowing mode
 * whose messages are handed over as they are pushed (in order per partition); at the owner's
 * in-flight limit the stream is paused (it stops fetching once its buffer is full) and resumed
 * when there is room again. Offsets are committed only when the owner says so (no autocommit).
 * Fetch pacing is a kafkajs-only setting: this client's fetch loop is cheap enough without it
 * (docs/benchmark.md).
 */
export class PlatformaticConsumerSource implements ConsumerSource {
  private readonly consumer: Consumer<Buffer, Buffer, string, string>;
  private readonly log: Logger;
  private stream: Stream | undefined;
  private joined = false;
  private lastFetchAt = 0;
  private stopped = false;
  private closed: Promise<void> | undefined;

  constructor(
    brokers: string[],
    clientId: string,
    private readonly options: ConsumerSourceOptions,
  ) {
    this.log = options.logger;
    const { fixedPartitions, topic, fetch } = options;
    this.consumer = new Consumer({
      ...platformaticBaseOptions(brokers, clientId),
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 10_000,
      minBytes: fetch.minBytes,
      maxWaitTime: fetch.maxWaitMs,
      deserializers: { headerKey: utf8, headerValue: utf8 },
      ...(fixedPartitions ? { partitionAssigner: fixedAssigner(topic, fixedPartitions) } : {}),
    });
  }

  get ready(): boolean {
    if (this.stopped || !this.joined || !this.stream) return false;
    // A member the group gave no partition fetches nothing, and is still a healthy member.
    const mine = this.consumer.assignments?.some((a) => a.topic === this.options.topic && a.partitions.length > 0) ?? false;
    return !mine || Date.now() - this.lastFetchAt < READY_FETCH_AGE_MS;
  }

  async start(deliver: Deliver, onDead: (error: Error) => void): Promise<void> {
    const { consumer } = this;
    consumer.on('consumer:group:join', (payload) => {
      this.joined = true;
      this.log.info({ assignments: payload.assignments }, 'joined group');
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
    this.joined = true;
    stream.on('fetch', () => (this.lastFetchAt = Date.now()));
    stream.on('error', (error: Error) => this.fail(error, onDead));
    stream.on('data', (message: PlatformaticMessage) => {
      const full = deliver(toInbound(message));
      if (!full) return;
      stream.pause();
      void full.then(() => {
        if (!this.stopped) stream.resume();
      });
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
  };
}

/** All of `partitions()` of `topic` to the first member (by id), nothing to anyone else: a group of one. */
function fixedAssigner(topic: string, partitions: () => number[]): GroupPartitionsAssigner {
  return (_current, members) => {
    const [first, ...others] = [...members.keys()].sort();
    return [
      ...(first ? [{ memberId: first, assignments: new Map([[topic, { topic, partitions: partitions() }]]) }] : []),
      ...others.map((memberId) => ({ memberId, assignments: new Map() })),
    ];
  };
}
