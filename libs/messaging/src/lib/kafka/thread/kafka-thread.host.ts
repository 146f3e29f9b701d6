import type { Logger } from 'pino';
import type { InboundMessage } from '../../ports/inbound-message';
import type { ConsumerSource, KafkaTransport, ProduceClient } from '../../ports/kafka-transport.port';
import type { OutgoingMessage } from '../../ports/publisher.port';
import type { FromKafkaThread, ThreadError, ThreadMessage, ToKafkaThread } from './kafka-thread.protocol';

/** The end of a MessagePort the host talks through (a worker's `parentPort`, or a test's channel). */
export interface ThreadPort {
  postMessage(message: FromKafkaThread): void;
  on(event: 'message', listener: (message: ToKafkaThread) => void): unknown;
}

/** How often the host looks whether a producer's connection or a consumer's readiness changed, ms. */
export const STATE_POLL_MS = 25;

interface HostedConsumer {
  source: ConsumerSource;
  open: boolean;
  /** Resolves the waits of deliveries held while closed. */
  reopen: Array<() => void>;
  /** Messages taken this turn, posted together. */
  batch: ThreadMessage[];
  up: boolean;
}

interface HostedProducer {
  client: ProduceClient;
  up: boolean;
}

/**
 * The Kafka thread's side of a threaded transport: it owns the real clients (of `transport`) and
 * does what the service's thread asks over `port` — produce requests, consumers, commits — so that
 * the Kafka protocol's encoding, decoding and socket writes run on this thread's event loop, not on
 * the one that accepts the service's HTTP requests. Messages consumed in one turn cross as one
 * message; while the service's side says its consumer is full, deliveries wait here (the real
 * source then holds its stream, as at any in-flight limit).
 */
export class KafkaThreadHost {
  private readonly producers = new Map<number, HostedProducer>();
  private readonly consumers = new Map<number, HostedConsumer>();
  private readonly poll: NodeJS.Timeout;

  constructor(
    private readonly port: ThreadPort,
    private readonly transport: Pick<KafkaTransport, 'createProducer' | 'createConsumerSource'>,
    private readonly logger: Logger,
  ) {
    port.on('message', (message) => this.handle(message));
    this.poll = setInterval(() => this.postStates(), STATE_POLL_MS);
    this.poll.unref();
  }

  /** Stops watching states (the clients are closed by the calls of the service's side). */
  stop(): void {
    clearInterval(this.poll);
  }

  private handle(message: ToKafkaThread): void {
    switch (message.t) {
      case 'producer':
        this.producers.set(message.id, { client: this.transport.createProducer(), up: false });
        return;
      case 'consumer': {
        const { fixedPartitions, ...options } = message.options;
        const source = this.transport.createConsumerSource({
          ...options,
          logger: this.logger.child({ component: 'consumer', topic: options.topic }),
          ...(fixedPartitions ? { fixedPartitions: () => fixedPartitions } : {}),
        });
        this.consumers.set(message.id, { source, open: true, reopen: [], batch: [], up: false });
        return;
      }
      case 'connect':
        this.answer(message.call, () => this.producer(message.id).client.connect());
        return;
      case 'send':
        this.answer(
          message.call,
          () => this.producer(message.id).client.send(message.messages.map(withBuffers)),
          this.producer(message.id).client,
        );
        return;
      case 'disconnect':
        this.answer(message.call, async () => {
          await this.producer(message.id).client.disconnect();
          this.producers.delete(message.id);
        });
        return;
      case 'start':
        this.answer(message.call, () => this.startConsumer(message.id));
        return;
      case 'flow':
        this.setFlow(message.id, message.open);
        return;
      case 'stopFetching':
        this.consumers.get(message.id)?.source.stopFetching();
        return;
      case 'commit':
        this.answer(message.call, () => this.consumer(message.id).source.commit(message.offsets));
        return;
      case 'close':
        this.answer(message.call, async () => {
          const hosted = this.consumers.get(message.id);
          if (!hosted) return;
          this.setFlow(message.id, true);
          await hosted.source.close();
          this.consumers.delete(message.id);
        });
        return;
    }
  }

  private startConsumer(id: number): Promise<void> {
    const hosted = this.consumer(id);
    return hosted.source.start(
      (inbound) => {
        if (!hosted.open) return new Promise<void>((resolve) => hosted.reopen.push(resolve));
        if (hosted.batch.length === 0) queueMicrotask(() => this.postBatch(id, hosted));
        hosted.batch.push(toThread(inbound));
        return undefined;
      },
      (error) => this.port.postMessage({ t: 'dead', id, error: toThreadError(error, undefined) }),
    );
  }

  private postBatch(id: number, hosted: HostedConsumer): void {
    const messages = hosted.batch;
    hosted.batch = [];
    if (messages.length > 0) this.port.postMessage({ t: 'messages', id, messages });
  }

  private setFlow(id: number, open: boolean): void {
    const hosted = this.consumers.get(id);
    if (!hosted || hosted.open === open) return;
    hosted.open = open;
    if (open) for (const resolve of hosted.reopen.splice(0)) resolve();
  }

  private answer(call: number, work: () => Promise<void>, refusals?: ProduceClient): void {
    let running: Promise<void>;
    try {
      running = work();
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      () => this.port.postMessage({ t: 'result', call }),
      (error: unknown) => this.port.postMessage({ t: 'result', call, error: toThreadError(error, refusals) }),
    );
  }

  private postStates(): void {
    for (const [id, hosted] of this.producers) {
      const up = hosted.client.connected;
      if (up !== hosted.up) this.port.postMessage({ t: 'state', id, up: (hosted.up = up) });
    }
    for (const [id, hosted] of this.consumers) {
      const up = hosted.source.ready;
      if (up !== hosted.up) this.port.postMessage({ t: 'state', id, up: (hosted.up = up) });
    }
  }

  private producer(id: number): HostedProducer {
    const hosted = this.producers.get(id);
    if (!hosted) throw new Error(`no producer ${id} on the Kafka thread`);
    return hosted;
  }

  private consumer(id: number): HostedConsumer {
    const hosted = this.consumers.get(id);
    if (!hosted) throw new Error(`no consumer ${id} on the Kafka thread`);
    return hosted;
  }
}

/**
 * An outgoing message as the clients want it: a Buffer key or value crosses as a plain Uint8Array,
 * which kafkajs does not take, so it is made a Buffer again (a view, no copy).
 */
function withBuffers(message: OutgoingMessage): OutgoingMessage {
  const { key, value } = message;
  if (!(key instanceof Uint8Array && !Buffer.isBuffer(key)) && !(value instanceof Uint8Array && !Buffer.isBuffer(value))) return message;
  return { ...message, key: asBuffer(key), value: asBuffer(value) };
}

function asBuffer(data: string | Buffer | Uint8Array | null): string | Buffer | null {
  return data instanceof Uint8Array && !Buffer.isBuffer(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data;
}

/** A copy of the message whose bytes own their memory, so that only they cross (not the fetch's buffer they are views of). */
function toThread(message: InboundMessage): ThreadMessage {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key ? new Uint8Array(message.key) : null,
    value: message.value ? new Uint8Array(message.value) : null,
    headers: message.headers,
    timestamp: message.timestamp,
  };
}

function toThreadError(error: unknown, refusals: ProduceClient | undefined): ThreadError {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { name, message, refusal: refusals?.isRefusal(error) ?? false };
}
