import type { InboundMessage } from '../ports/inbound-message';
import type { KafkaClientName, KafkaTransport, ProduceClient } from '../ports/kafka-transport.port';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver } from '../ports/kafka-transport.port';
import type { OutgoingMessage } from '../ports/publisher.port';
import { InMemoryTopicAdmin } from './in-memory.topic-admin';

type Listener = (message: InboundMessage) => void;

/**
 * A {@link KafkaTransport} in memory, for unit tests of a service's own code: what its producers
 * send is kept in `produced`; a test hands messages to its consumers with `deliver`, and sees
 * their commits in `commits`. Topics live in an {@link InMemoryTopicAdmin}. For code that both
 * produces and consumes (an `OpsClient`), what is produced to a topic also reaches every running
 * consumer of it — each reading from "latest", as a new group does — and `onProduce` lets a test
 * play the other side (ops answering); consumers join and leave their group in `admin.groups`, so
 * a test sees which groups are left behind. Not a broker: no rebalances, commits only recorded.
 */
export class InMemoryTransport implements KafkaTransport {
  readonly admin = new InMemoryTopicAdmin();
  readonly produced: OutgoingMessage[] = [];
  readonly commits: CommitOffset[] = [];
  /** Makes every following produce request fail with this error (or succeed again with `undefined`). */
  produceError: Error | undefined;
  private readonly sources: InMemorySource[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly offsets = new Map<string, number>();

  constructor(readonly client: KafkaClientName = 'platformatic') {}

  createProducer(): ProduceClient {
    return new InMemoryProduceClient(async (messages) => {
      await Promise.resolve(); // a produce request is never answered in the same turn
      if (this.produceError) throw this.produceError;
      messages.forEach((message) => this.append(message));
    });
  }

  createConsumerSource(options: ConsumerSourceOptions): ConsumerSource {
    const source = new InMemorySource(options, this.commits, this.admin.groups);
    this.sources.push(source);
    return source;
  }

  /**
   * Hands a message to the running consumer of `message.topic` (offsets count up per topic and
   * partition); resolves once the consumer took it. Throws if no consumer of that topic runs.
   */
  async deliver(message: Partial<InboundMessage> & { topic: string }): Promise<InboundMessage> {
    const source = this.sources.find((s) => s.topic === message.topic && s.ready);
    if (!source) throw new Error(`no consumer of ${message.topic} is running`);
    const inbound = this.inbound(message);
    await source.offer(inbound);
    return inbound;
  }

  /** Calls `listener` with every message produced to `topic` from now on, until the returned function is called. */
  onProduce(topic: string, listener: Listener): () => void {
    const set = this.listeners.get(topic) ?? new Set<Listener>();
    this.listeners.set(topic, set.add(listener));
    return () => void set.delete(listener);
  }

  /** What was published to `topic` so far. */
  producedTo(topic: string): OutgoingMessage[] {
    return this.produced.filter((m) => m.topic === topic);
  }

  private append(message: OutgoingMessage): void {
    this.produced.push(message);
    const inbound = this.inbound({
      topic: message.topic,
      partition: message.partition ?? 0,
      key: toBuffer(message.key),
      value: toBuffer(message.value),
      headers: { ...message.headers },
    });
    // Consumers fetch it on a later turn than the produce.
    for (const source of this.sources.filter((s) => s.topic === message.topic && s.ready)) setImmediate(() => void source.offer(inbound));
    for (const listener of this.listeners.get(message.topic) ?? []) setImmediate(() => listener(inbound));
  }

  /** `message` at the next offset of its topic and partition. */
  private inbound(message: Partial<InboundMessage> & { topic: string }): InboundMessage {
    const partition = message.partition ?? 0;
    const key = `${message.topic}:${partition}`;
    const offset = this.offsets.get(key) ?? 0;
    this.offsets.set(key, offset + 1);
    return { key: null, value: null, headers: {}, timestamp: Date.now(), ...message, partition, offset: String(offset) };
  }
}

class InMemoryProduceClient implements ProduceClient {
  connected = false;

  constructor(readonly send: (messages: OutgoingMessage[]) => Promise<void>) {}

  async connect(): Promise<void> {
    this.connected = true;
  }

  isRefusal(): boolean {
    return false;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }
}

/** A consumer of an {@link InMemoryTransport}: a member of its group while it runs; takes messages one at a time, in order. */
class InMemorySource implements ConsumerSource {
  ready = false;
  readonly topic: string;
  private deliverTo: Deliver | undefined;
  /** The offers so far, chained: a message is offered only once the one before it was taken. */
  private offers: Promise<void> = Promise.resolve();
  private joined = false;

  constructor(
    private readonly options: ConsumerSourceOptions,
    private readonly commits: CommitOffset[],
    private readonly groups: Map<string, number>,
  ) {
    this.topic = options.topic;
  }

  async start(deliver: Deliver): Promise<void> {
    this.deliverTo = deliver;
    this.ready = this.joined = true;
    this.groups.set(this.options.groupId, (this.groups.get(this.options.groupId) ?? 0) + 1);
  }

  /** Offers `message` until the consumer takes it (it may be at its in-flight limit). */
  offer(message: InboundMessage): Promise<void> {
    this.offers = this.offers.then(async () => {
      for (let wait = this.deliverTo?.(message); wait && this.ready; wait = this.deliverTo?.(message)) await wait;
    });
    return this.offers;
  }

  stopFetching(): void {
    this.ready = false;
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    this.commits.push(...offsets);
  }

  async close(): Promise<void> {
    this.ready = false;
    if (!this.joined) return;
    this.joined = false;
    this.groups.set(this.options.groupId, (this.groups.get(this.options.groupId) ?? 1) - 1);
  }
}

function toBuffer(data: string | Buffer | null): Buffer | null {
  return data === null ? null : Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
}
