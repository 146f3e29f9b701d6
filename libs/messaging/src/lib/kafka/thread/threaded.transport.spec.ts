import { MessageChannel, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import type { InboundMessage } from '../../ports/inbound-message';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver, ProduceClient } from '../../ports/kafka-transport.port';
import type { OutgoingMessage } from '../../ports/publisher.port';
import { KafkaThreadHost } from './kafka-thread.host';
import { InMemoryTopicAdmin } from '../../testing/in-memory.topic-admin';
import { ThreadedTransport } from './threaded.transport';

/** A client stand-in on the host's side: what it was asked, and a way to push consumed messages. */
class FakeSource implements ConsumerSource {
  ready = false;
  deliver: Deliver | undefined;
  onDead: ((error: Error) => void) | undefined;
  commits: CommitOffset[][] = [];
  stopped = false;
  closed = false;
  constructor(readonly options: ConsumerSourceOptions) {}
  async start(deliver: Deliver, onDead: (error: Error) => void): Promise<void> {
    this.deliver = deliver;
    this.onDead = onDead;
  }
  stopFetching(): void {
    this.stopped = true;
  }
  async commit(offsets: CommitOffset[]): Promise<void> {
    this.commits.push(offsets);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeProducer implements ProduceClient {
  connected = false;
  sent: OutgoingMessage[][] = [];
  failWith: (Error & { refused?: boolean }) | undefined;
  async connect(): Promise<void> {
    this.connected = true;
  }
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(messages);
  }
  isRefusal(error: unknown): boolean {
    return (error as { refused?: boolean }).refused === true;
  }
  async disconnect(): Promise<void> {
    this.connected = false;
  }
}

const inbound = (offset: number, value = `v${offset}`): InboundMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(value),
  headers: { h: 'x' },
  timestamp: 1_700_000_000_000 + offset,
});

const consumerOptions = (pacingMs = 0, fixedPartitions?: number[]): ConsumerSourceOptions => ({
  groupId: 'g',
  topic: 't',
  logger: pino({ level: 'silent' }),
  fetch: { minBytes: 1, maxWaitMs: 100, pacingMs },
  ...(fixedPartitions ? { fixedPartitions: () => fixedPartitions } : {}),
});

const until = async (condition: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

describe('ThreadedTransport with its KafkaThreadHost (over a MessageChannel)', () => {
  let ports: MessagePort[] = [];
  let host: KafkaThreadHost | undefined;
  const producers: FakeProducer[] = [];
  const sources: FakeSource[] = [];

  function setup(): ThreadedTransport {
    const { port1, port2 } = new MessageChannel();
    ports = [port1, port2];
    host = new KafkaThreadHost(
      port2,
      {
        createProducer: () => {
          const producer = new FakeProducer();
          producers.push(producer);
          return producer;
        },
        createConsumerSource: (options) => {
          const source = new FakeSource(options);
          sources.push(source);
          return source;
        },
      },
      pino({ level: 'silent' }),
    );
    return new ThreadedTransport(port1, 'platformatic', new InMemoryTopicAdmin());
  }

  afterEach(() => {
    host?.stop();
    ports.forEach((port) => port.close());
    producers.length = 0;
    sources.length = 0;
  });

  it('produces on the thread: connect, send, and the broker refusal told apart from other failures', async () => {
    const producer = setup().createProducer();
    await producer.connect();
    expect(producer.connected).toBe(true);
    await producer.send([{ topic: 'a', key: 'u1', value: 'x', headers: { 'reply-to': 'r' } }]);
    expect(producers[0]?.sent).toEqual([[{ topic: 'a', key: 'u1', value: 'x', headers: { 'reply-to': 'r' } }]]);
    // Bytes cross as a Uint8Array; the client gets a Buffer again (kafkajs takes nothing else).
    await producer.send([{ topic: 'dlq', key: Buffer.from('k'), value: Buffer.from([0xff, 0x00]) }]);
    const bytes = producers[0]?.sent[1]?.[0];
    expect(Buffer.isBuffer(bytes?.key) && Buffer.isBuffer(bytes?.value)).toBe(true);
    expect(bytes?.value).toEqual(Buffer.from([0xff, 0x00]));
    const fake = producers[0] as FakeProducer;
    fake.failWith = Object.assign(new Error('MESSAGE_TOO_LARGE'), { refused: true });
    const refused = await producer.send([{ topic: 'a', key: 'u2', value: 'y' }]).catch((error: unknown) => error);
    expect((refused as Error).message).toBe('MESSAGE_TOO_LARGE');
    expect(producer.isRefusal(refused)).toBe(true);
    fake.failWith = new Error('broker gone');
    const failed = await producer.send([{ topic: 'a', key: 'u3', value: 'z' }]).catch((error: unknown) => error);
    expect(producer.isRefusal(failed)).toBe(false);
    await producer.disconnect();
    expect(fake.connected).toBe(false);
  });

  it('delivers consumed messages in order, with their bytes and headers, and reports readiness', async () => {
    const source = setup().createConsumerSource(consumerOptions(2, [2]));
    const got: InboundMessage[] = [];
    await source.start(
      (message) => void got.push(message),
      () => undefined,
    );
    const fake = sources[0] as FakeSource;
    expect(fake.options.fixedPartitions?.()).toEqual([2]);
    expect(source.ready).toBe(false);
    fake.ready = true;
    await until(() => source.ready);
    for (let offset = 0; offset < 3; offset++) expect(fake.deliver?.(inbound(offset))).toBeUndefined();
    await until(() => got.length === 3);
    expect(got).toEqual([inbound(0), inbound(1), inbound(2)]);
    expect(Buffer.isBuffer(got[0]?.value)).toBe(true);
    await source.commit([{ topic: 't', partition: 0, offset: '3' }]);
    expect(fake.commits).toEqual([[{ topic: 't', partition: 0, offset: '3' }]]);
    source.stopFetching();
    await until(() => fake.stopped);
    await source.close();
    expect(fake.closed).toBe(true);
    expect(source.ready).toBe(false);
  });

  it("holds the thread's deliveries while the owner is full, and offers the held message again, in order", async () => {
    const source = setup().createConsumerSource(consumerOptions());
    const got: string[] = [];
    let room: (() => void) | undefined;
    await source.start(
      (message) => {
        // Full once two were taken, until the test makes room.
        if (got.length === 2 && !room) return new Promise<void>((resolve) => (room = resolve));
        got.push(message.offset);
        return undefined;
      },
      () => undefined,
    );
    const fake = sources[0] as FakeSource;
    for (let offset = 0; offset < 4; offset++) fake.deliver?.(inbound(offset));
    await until(() => room !== undefined);
    // The thread was told to stop (a call's answer comes after it): what the client offers now waits there.
    await source.commit([{ topic: 't', partition: 0, offset: '2' }]);
    const later = fake.deliver?.(inbound(4));
    expect(later).toBeInstanceOf(Promise);
    expect(got).toEqual(['0', '1']);
    room?.();
    await until(() => got.length === 4);
    await later;
    expect(fake.deliver?.(inbound(4))).toBeUndefined();
    await until(() => got.length === 5);
    expect(got).toEqual(['0', '1', '2', '3', '4']);
  });

  it("tells the owner when the thread's consumer died", async () => {
    const source = setup().createConsumerSource(consumerOptions());
    const dead: Error[] = [];
    await source.start(
      () => undefined,
      (error) => dead.push(error),
    );
    sources[0]?.onDead?.(new Error('group lost'));
    await until(() => dead.length === 1);
    expect(dead[0]?.message).toBe('group lost');
  });
});
