import type { InboundMessage } from '../../ports/inbound-message';
import type {
  CommitOffset,
  ConsumerSource,
  ConsumerSourceOptions,
  Deliver,
  KafkaClientName,
  KafkaTransport,
  ProduceClient,
} from '../../ports/kafka-transport.port';
import type { TopicAdmin } from '../../ports/topic-admin.port';
import type { OutgoingMessage } from '../../ports/publisher.port';
import type { FromKafkaThread, ThreadError, ThreadMessage, ToKafkaThread } from './kafka-thread.protocol';

/** The service's end of the port to its Kafka thread. */
export interface ServicePort {
  postMessage(message: ToKafkaThread): void;
  on(event: 'message', listener: (message: FromKafkaThread) => void): unknown;
}

/** An error of the Kafka thread, rebuilt on the service's side. */
export class KafkaThreadError extends Error {
  /** The broker refused the request itself. */
  readonly refusal: boolean;

  constructor(error: ThreadError) {
    super(error.message);
    this.name = error.name;
    this.refusal = error.refusal;
  }
}

/** The messages the thread answers. */
type CallMessage = Extract<ToKafkaThread, { call: number }>;
type WithoutCall<T> = T extends unknown ? Omit<T, 'call'> : never;

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A {@link KafkaTransport} whose producers and consumers run on a Kafka thread
 * ({@link KafkaThreadHost}) and are driven through `port`: the policy above them (the publisher's
 * batching, the consumer's decoding, in-flight limit and commits) stays on the service's thread,
 * the client libraries' work moves off it. Topic administration (`admin`) stays here: it is never
 * on a hot path.
 */
export class ThreadedTransport implements KafkaTransport {
  private nextId = 1;
  private nextCall = 1;
  private readonly calls = new Map<number, Pending>();
  private readonly listeners = new Map<number, (message: FromKafkaThread) => void>();

  constructor(
    private readonly port: ServicePort,
    readonly client: KafkaClientName,
    readonly admin: TopicAdmin,
  ) {
    port.on('message', (message) => this.receive(message));
  }

  createProducer(): ProduceClient {
    const id = this.nextId++;
    this.port.postMessage({ t: 'producer', id });
    const producer = new ThreadProducer(id, this);
    this.listeners.set(id, (message) => producer.receive(message));
    return producer;
  }

  createConsumerSource(options: ConsumerSourceOptions): ConsumerSource {
    const id = this.nextId++;
    const { groupId, topic, fetch, fixedPartitions } = options;
    this.port.postMessage({
      t: 'consumer',
      id,
      options: { groupId, topic, fetch, ...(fixedPartitions ? { fixedPartitions: fixedPartitions() } : {}) },
    });
    const source = new ThreadConsumerSource(id, this);
    this.listeners.set(id, (message) => source.receive(message));
    return source;
  }

  /** Sends `message` and resolves (or rejects) with the thread's answer. */
  call(message: WithoutCall<CallMessage>): Promise<void> {
    const call = this.nextCall++;
    return new Promise<void>((resolve, reject) => {
      this.calls.set(call, { resolve, reject });
      this.port.postMessage({ ...message, call } as CallMessage);
    });
  }

  /** Sends `message`, which has no answer. */
  tell(message: ToKafkaThread): void {
    this.port.postMessage(message);
  }

  /** Forgets a producer or consumer that was closed. */
  forget(id: number): void {
    this.listeners.delete(id);
  }

  private receive(message: FromKafkaThread): void {
    if (message.t === 'result') {
      const pending = this.calls.get(message.call);
      if (!pending) return;
      this.calls.delete(message.call);
      if (message.error) pending.reject(new KafkaThreadError(message.error));
      else pending.resolve();
      return;
    }
    this.listeners.get(message.id)?.(message);
  }
}

class ThreadProducer implements ProduceClient {
  private up = false;

  constructor(
    private readonly id: number,
    private readonly transport: ThreadedTransport,
  ) {}

  get connected(): boolean {
    return this.up;
  }

  async connect(): Promise<void> {
    await this.transport.call({ t: 'connect', id: this.id });
    this.up = true;
  }

  send(messages: OutgoingMessage[]): Promise<void> {
    return this.transport.call({ t: 'send', id: this.id, messages });
  }

  isRefusal(error: unknown): boolean {
    return error instanceof KafkaThreadError && error.refusal;
  }

  async disconnect(): Promise<void> {
    await this.transport.call({ t: 'disconnect', id: this.id });
    this.up = false;
    this.transport.forget(this.id);
  }

  receive(message: FromKafkaThread): void {
    if (message.t === 'state') this.up = message.up;
  }
}

/**
 * A consumer on the Kafka thread. Messages arrive in batches and are offered in order; when the
 * owner's consumer is full (its `deliver` returns a promise), the rest wait here, the thread is
 * told to stop the flow, and it is told to let it go again once everything waiting was taken.
 */
class ThreadConsumerSource implements ConsumerSource {
  private up = false;
  private deliver: Deliver | undefined;
  private onDead: ((error: Error) => void) | undefined;
  private waiting: InboundMessage[] = [];
  private draining = false;
  private closed = false;

  constructor(
    private readonly id: number,
    private readonly transport: ThreadedTransport,
  ) {}

  get ready(): boolean {
    return this.up && !this.closed;
  }

  start(deliver: Deliver, onDead: (error: Error) => void): Promise<void> {
    this.deliver = deliver;
    this.onDead = onDead;
    return this.transport.call({ t: 'start', id: this.id });
  }

  stopFetching(): void {
    this.transport.tell({ t: 'stopFetching', id: this.id });
  }

  commit(offsets: CommitOffset[]): Promise<void> {
    return this.transport.call({ t: 'commit', id: this.id, offsets });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiting = [];
    await this.transport.call({ t: 'close', id: this.id });
    this.transport.forget(this.id);
  }

  receive(message: FromKafkaThread): void {
    switch (message.t) {
      case 'state':
        this.up = message.up;
        return;
      case 'dead':
        this.onDead?.(new KafkaThreadError(message.error));
        return;
      case 'messages':
        if (this.closed) return;
        for (const m of message.messages) this.waiting.push(fromThread(m));
        if (!this.draining) void this.drain();
        return;
    }
  }

  /** Offers what waits, in order; while the owner is full, the thread's flow is stopped. */
  private async drain(): Promise<void> {
    const deliver = this.deliver;
    if (!deliver) return;
    this.draining = true;
    let stopped = false;
    while (this.waiting.length > 0 && !this.closed) {
      const full = deliver(this.waiting[0] as InboundMessage);
      if (full) {
        if (!stopped) {
          stopped = true;
          this.transport.tell({ t: 'flow', id: this.id, open: false });
        }
        await full;
        continue; // offer the same message again
      }
      this.waiting.shift();
    }
    if (stopped && !this.closed) this.transport.tell({ t: 'flow', id: this.id, open: true });
    this.draining = false;
  }
}

function fromThread(message: ThreadMessage): InboundMessage {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key ? Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength) : null,
    value: message.value ? Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength) : null,
    headers: message.headers,
    timestamp: message.timestamp,
  };
}
