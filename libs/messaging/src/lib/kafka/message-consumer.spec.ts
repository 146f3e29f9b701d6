import { EventEmitter } from 'node:events';
import type { ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { valid } from '../contract/result';
import { InMemoryPublisher } from '../testing/in-memory.publisher';
import { DeadLetterQueue } from './dead-letter.queue';
import { kafkajsTransport } from './kafka-transport';
import { MessageConsumer } from './message-consumer';
import type { CommitOffset, ConsumerSource, Deliver } from '../ports/kafka-transport.port';

const EVENTS = {
  GROUP_JOIN: 'group_join',
  FETCH_START: 'fetch_start',
  FETCH: 'fetch',
  CRASH: 'crash',
  REBALANCING: 'rebalancing',
} as const;

/** A stand-in for a kafkajs consumer: joins and fetches when run, and can be made to crash. */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  disconnected = false;
  runConfig: ConsumerRunConfig | undefined;
  async connect(): Promise<void> {
    return undefined;
  }
  async subscribe(): Promise<void> {
    return undefined;
  }
  async run(config: ConsumerRunConfig): Promise<void> {
    this.runConfig = config;
    setImmediate(() => {
      this.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: { t: [0] } } });
      this.emit(EVENTS.FETCH, { payload: {} });
    });
  }
  pause(): void {
    return undefined;
  }
  async stop(): Promise<void> {
    return undefined;
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async commitOffsets(): Promise<void> {
    return undefined;
  }
  crash(restart: boolean): void {
    this.emit(EVENTS.CRASH, { payload: { error: new Error('the consumer died'), groupId: 'g', restart } });
  }
}

function setup(options: { fetchPacingMs?: number; handled?: string[] } = {}) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  const logger = pino({ level: 'silent' });
  const rebuilt: Error[] = [];
  const consumer = new MessageConsumer<string>({
    transport: kafkajsTransport(kafka),
    groupId: 'g',
    topic: 't',
    logger,
    deadLetters: new DeadLetterQueue({ publisher: new InMemoryPublisher(), service: 's', topic: 'dlq', logger }),
    decode: () => valid('x'),
    handle: async (_value, message) => void options.handled?.push(message.offset),
    fetch: { pacingMs: options.fetchPacingMs ?? 0 },
    onRebuild: (error) => rebuilt.push(error),
  });
  return { consumer, consumers, rebuilt };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('MessageConsumer crash handling (scenario 13)', () => {
  it('rebuilds a consumer that kafkajs will not restart, and is ready again', async () => {
    const { consumer, consumers, rebuilt } = setup();
    await consumer.start();
    expect(consumer.ready).toBe(true);

    consumers[0]?.crash(false);
    expect(consumer.ready).toBe(false);
    await until(() => consumers.length === 2 && consumer.ready);
    expect(consumers[0]?.disconnected).toBe(true);
    expect(rebuilt.map((e) => e.message)).toEqual(['the consumer died']);
    await consumer.close(0);
  });

  it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
    const { consumer, consumers, rebuilt } = setup();
    await consumer.start();
    consumers[0]?.crash(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumers).toHaveLength(1);
    expect(rebuilt).toEqual([]);
    await consumer.close(0);
  });
});

/** One fetch's batch of `count` messages of partition 0, as kafkajs hands it to eachBatch. */
function batchOf(count: number): EachBatchPayload {
  const messages = Array.from({ length: count }, (_, i) => ({
    offset: String(i),
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers: {},
  }));
  return {
    batch: { topic: 't', partition: 0, messages },
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

describe('MessageConsumer fetch pacing', () => {
  it('hands every message on at once, then holds the next fetch until the pacing interval is over', async () => {
    const handled: string[] = [];
    const { consumer, consumers } = setup({ fetchPacingMs: 40, handled });
    await consumer.start();
    const fake = consumers[0] as FakeConsumer;
    fake.emit(EVENTS.FETCH_START, { payload: {} });
    const started = Date.now();
    let returned = false;
    const done = fake.runConfig?.eachBatch?.(batchOf(3)).then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual(['0', '1', '2']);
    expect(returned).toBe(false);
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    await consumer.close(0);
  });

  it('fetches again at once when the fetch itself took longer than the interval', async () => {
    const { consumer, consumers } = setup({ fetchPacingMs: 20 });
    await consumer.start();
    const fake = consumers[0] as FakeConsumer;
    fake.emit(EVENTS.FETCH_START, { payload: {} });
    await new Promise((resolve) => setTimeout(resolve, 30)); // the fetch waited at the broker
    const started = Date.now();
    await fake.runConfig?.eachBatch?.(batchOf(1));
    expect(Date.now() - started).toBeLessThan(15);
    await consumer.close(0);
  });

  it('does not pace by default', async () => {
    const { consumer, consumers } = setup();
    await consumer.start();
    const fake = consumers[0] as FakeConsumer;
    fake.emit(EVENTS.FETCH_START, { payload: {} });
    const started = Date.now();
    await fake.runConfig?.eachBatch?.(batchOf(1));
    expect(Date.now() - started).toBeLessThan(15);
    await consumer.close(0);
  });
});

/** A ConsumerSource stand-in: the test delivers messages by hand and sees when it is told to wait. */
class ManualSource implements ConsumerSource {
  deliver: Deliver | undefined;
  commits: CommitOffset[][] = [];
  readonly ready = true;
  async start(deliver: Deliver): Promise<void> {
    this.deliver = deliver;
  }
  stopFetching(): void {
    return undefined;
  }
  async commit(offsets: CommitOffset[]): Promise<void> {
    this.commits.push(offsets);
  }
  async close(): Promise<void> {
    return undefined;
  }
}

describe('MessageConsumer in-flight limit and commits', () => {
  function manual(maxInFlight: number) {
    const source = new ManualSource();
    const release = new Map<string, () => void>();
    const logger = pino({ level: 'silent' });
    const consumer = new MessageConsumer<string>({
      transport: { client: 'kafkajs', kafka: {} as Kafka, createProducer: () => undefined as never, createConsumerSource: () => source },
      groupId: 'g',
      topic: 't',
      logger,
      maxInFlight,
      deadLetters: new DeadLetterQueue({ publisher: new InMemoryPublisher(), service: 's', topic: 'dlq', logger }),
      decode: () => valid('x'),
      handle: (_value, message) => new Promise<void>((resolve) => release.set(message.offset, resolve)),
    });
    const message = (offset: number) => ({
      topic: 't',
      partition: 0,
      offset: String(offset),
      key: null,
      value: null,
      headers: {},
      timestamp: 0,
    });
    return { consumer, source, release, message };
  }

  it('refuses a message at the limit with a promise, and takes it when offered again after a message finished', async () => {
    const { consumer, source, release, message } = manual(2);
    await consumer.start();
    expect(source.deliver?.(message(0))).toBeUndefined();
    expect(source.deliver?.(message(1))).toBeUndefined();
    const full = source.deliver?.(message(2));
    expect(full).toBeInstanceOf(Promise);
    expect(consumer.inFlight).toBe(2); // not taken
    let resumed = false;
    void full?.then(() => (resumed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resumed).toBe(false);
    release.get('0')?.();
    await until(() => resumed);
    expect(source.deliver?.(message(2))).toBeUndefined();
    expect(consumer.inFlight).toBe(2);
    release.get('1')?.();
    release.get('2')?.();
    await consumer.close(1000);
  });

  it('never goes over the limit when several partitions offer at once', async () => {
    const { consumer, source, release, message } = manual(1);
    await consumer.start();
    const onPartition = (partition: number) => ({ ...message(0), partition });
    expect(source.deliver?.(onPartition(0))).toBeUndefined();
    const waits = [source.deliver?.(onPartition(1)), source.deliver?.(onPartition(2))];
    expect(waits.every((w) => w instanceof Promise)).toBe(true);
    expect(consumer.inFlight).toBe(1);
    release.get('0')?.();
    await Promise.race(waits);
    expect(source.deliver?.(onPartition(1))).toBeUndefined();
    expect(source.deliver?.(onPartition(2))).toBeInstanceOf(Promise);
    expect(consumer.inFlight).toBe(1);
    release.get('0')?.();
    await consumer.close(1000);
  });

  it('commits only the contiguous prefix of finished offsets', async () => {
    const { consumer, source, release, message } = manual(10);
    await consumer.start();
    [0, 1, 2].forEach((offset) => source.deliver?.(message(offset)));
    release.get('1')?.();
    release.get('2')?.();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(source.commits).toEqual([]); // offset 0 still in hand
    release.get('0')?.();
    await until(() => source.commits.length === 1);
    expect(source.commits[0]).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    await consumer.close(0);
  });
});
