import type { InboundMessage } from '../ports/inbound-message';
import type { KafkaClientName, KafkaTransport, ProduceClient } from '../ports/kafka-transport.port';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver } from '../ports/kafka-transport.port';
import type { OutgoingMessage } from '../ports/publisher.port';
import { InMemoryTopicAdmin } from './in-memory.topic-admin';

/**
 * A {@link KafkaTransport} in memory, for unit tests of a service's own code: what its producers
 * send is kept in `produced`; a test hands messages to its consumers with `deliver`, and sees
 * their commits in `commits`. Topics live in an {@link InMemoryTopicAdmin}.
 */
export class InMemoryTransport implements KafkaTransport {
  readonly client: KafkaClientName = 'platformatic';
  readonly admin = new InMemoryTopicAdmin();
  readonly produced: OutgoingMessage[] = [];
  readonly commits: CommitOffset[] = [];
  private readonly sources: InMemorySource[] = [];
  private readonly offsets = new Map<string, number>();

  createProducer(): ProduceClient {
    return new InMemoryProduceClient(this.produced);
  }

  createConsumerSource(options: ConsumerSourceOptions): ConsumerSource {
    const source = new InMemorySource(options.topic, this.commits);
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
    const partition = message.partition ?? 0;
    const key = `${message.topic}:${partition}`;
    const offset = this.offsets.get(key) ?? 0;
    this.offsets.set(key, offset + 1);
    const inbound: InboundMessage = {
      key: null,
      value: null,
      headers: {},
      timestamp: Date.now(),
      ...message,
      partition,
      offset: String(offset),
    };
    await source.offer(inbound);
    return inbound;
  }

  /** What was published to `topic` so far. */
  producedTo(topic: string): OutgoingMessage[] {
    return this.produced.filter((m) => m.topic === topic);
  }
}

class InMemoryProduceClient implements ProduceClient {
  connected = false;

  constructor(private readonly produced: OutgoingMessage[]) {}

  async connect(): Promise<void> {
    this.connected = true;
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    this.produced.push(...messages);
  }

  isRefusal(): boolean {
    return false;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }
}

class InMemorySource implements ConsumerSource {
  ready = false;
  private deliverTo: Deliver | undefined;

  constructor(
    readonly topic: string,
    private readonly commits: CommitOffset[],
  ) {}

  async start(deliver: Deliver): Promise<void> {
    this.deliverTo = deliver;
    this.ready = true;
  }

  /** Offers `message` until the consumer takes it (it may be at its in-flight limit). */
  async offer(message: InboundMessage): Promise<void> {
    for (let wait = this.deliverTo?.(message); wait; wait = this.deliverTo?.(message)) await wait;
  }

  stopFetching(): void {
    this.ready = false;
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    this.commits.push(...offsets);
  }

  async close(): Promise<void> {
    this.ready = false;
  }
}
