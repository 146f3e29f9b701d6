import type { InboundMessage } from './inbound-message';
import type { LogPort } from './log.port';
import type { OutgoingMessage } from './publisher.port';
import type { TopicAdmin } from './topic-admin.port';

/** The Kafka client libraries a service can run on (KAFKA_CLIENT). */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** Sends produce requests for the {@link KafkaPublisher}, which owns batching and error policy. */
export interface ProduceClient {
  /** True while the client holds a connection to the cluster. */
  readonly connected: boolean;
  connect(): Promise<void>;
  /** One produce request (acks from all in-sync replicas) carrying `messages`, partitioned by key. */
  send(messages: OutgoingMessage[]): Promise<void>;
  /** True when the broker refused the request itself (a message too large …): sending it again fails again. */
  isRefusal(error: unknown): boolean;
  disconnect(): Promise<void>;
}

/** How a consumer fetches (contract-neutral tuning, docs/benchmark.md). */
export interface FetchSettings {
  /** The broker answers a fetch once it has this many bytes … */
  minBytes: number;
  /** … or after this many ms, whichever comes first. */
  maxWaitMs: number;
  /** A fetch starts no sooner than this many ms after the previous one started (0: none). */
  pacingMs: number;
}

/** What a {@link ConsumerSource} is built with. */
export interface ConsumerSourceOptions {
  groupId: string;
  topic: string;
  logger: LogPort;
  fetch: FetchSettings;
  /**
   * Read exactly these partitions, in a group of this instance alone (the reply consumer of ops:
   * its partition is claimed in etcd). Without it the group shares the topic's partitions.
   */
  fixedPartitions?: () => number[];
  /** Called with the partitions of `topic` this member was given, each time it joins its group. */
  onAssigned?: (partitions: number[]) => void;
}

/**
 * Offers one consumed message. `undefined`: it was taken, offer the next. A promise: it was not
 * taken (the consumer is at its in-flight limit) — wait for the promise, then offer the same
 * message again. Several partitions offering at once never take the consumer over its limit.
 */
export type Deliver = (message: InboundMessage) => Promise<void> | undefined;

/**
 * One Kafka client's consumer, reduced to what {@link MessageConsumer} needs: group membership,
 * fetching in order per partition, backpressure, commits. Policy (decoding, dead letters, retries,
 * which offsets are safe to commit, rebuilding after a crash) stays in MessageConsumer.
 */
export interface ConsumerSource {
  /** In its group (with its partitions) and fetched recently: the broker answers. */
  readonly ready: boolean;
  /**
   * Connects, joins the group and starts delivering. `onDead` is called if the client gives up for
   * good — possibly more than once for one failure (a client may report it on two channels); the
   * owner acts on the first, closes this source and builds another.
   */
  start(deliver: Deliver, onDead: (error: Error) => void): Promise<void>;
  /** Stops fetching; stays in the group so that what finishes can still be committed. */
  stopFetching(): void;
  /** Commits the next offset to read of each partition. */
  commit(offsets: CommitOffset[]): Promise<void>;
  /** Leaves the group and disconnects; safe to call twice. */
  close(): Promise<void>;
}

/** The next offset to read of a partition. */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** A Kafka client library behind the project's ports. */
export interface KafkaTransport {
  readonly client: KafkaClientName;
  /** Topic administration (creating topics, counting partitions) on the same client — never on a hot path. */
  readonly admin: TopicAdmin;
  createProducer(): ProduceClient;
  createConsumerSource(options: ConsumerSourceOptions): ConsumerSource;
}
