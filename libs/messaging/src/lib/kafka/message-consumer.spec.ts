import { EventEmitter } from 'node:events';
import type { ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { valid } from '../contract/result';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { InMemoryPublisher } from '../testing/in-memory.publisher';
import { InMemoryTopicAdmin } from '../testing/in-memory.topic-admin';
import { DeadLetterQueue } from './dead-letter.queue';
import { kafkajsTransport } from './kafka-transport';
import { MessageConsumer, NO_OUTPUT, type HandlerOutput, type MessageConsumerOptions } from './message-consumer';
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
    publisher: new InMemoryPublisher(),
    deadLetters: new DeadLetterQueue({ publisher: new InMemoryPublisher(), service: 's', topic: 'dlq', logger }),
    decode: () => valid('x'),
    handle: (_value, message) => {
      options.handled?.push(message.offset);
      return NO_OUTPUT;
    },
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

/** A consumer on a {@link ManualSource}; `handle` is the test's, by default one released by hand per offset. */
function manual(maxInFlight: number, overrides: Partial<MessageConsumerOptions<string>> = {}) {
  const source = new ManualSource();
  const release = new Map<string, () => void>();
  const logger = pino({ level: 'silent' });
  const consumer = new MessageConsumer<string>({
    transport: {
      client: 'kafkajs',
      admin: new InMemoryTopicAdmin(),
      createProducer: () => undefined as never,
      createConsumerSource: () => source,
    },
    groupId: 'g',
    topic: 't',
    logger,
    maxInFlight,
    publisher: new InMemoryPublisher(),
    deadLetters: new DeadLetterQueue({ publisher: new InMemoryPublisher(), service: 's', topic: 'dlq', logger }),
    decode: () => valid('x'),
    handle: (_value, message) => new Promise<HandlerOutput>((resolve) => release.set(message.offset, () => resolve(NO_OUTPUT))),
    ...overrides,
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

describe('MessageConsumer in-flight limit and commits', () => {
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

describe('MessageConsumer: a handler runs once and returns its output, which the consumer publishes', () => {
  const reply = (offset: string): HandlerOutput => [{ topic: 'replies', key: offset, value: `answer to ${offset}` }];
  const refusal = new MessagingError(MessagingErrorCodes.PUBLISH_REFUSED, 'topic refused');
  const outage = new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'broker away');

  function withOutput(
    options: { publisher?: InMemoryPublisher; dlq?: InMemoryPublisher; handle?: MessageConsumerOptions<string>['handle'] } = {},
  ) {
    const publisher = options.publisher ?? new InMemoryPublisher();
    const dlq = options.dlq ?? new InMemoryPublisher();
    const calls: string[] = [];
    const givenUp: string[] = [];
    const logger = pino({ level: 'silent' });
    const setup = manual(10, {
      publisher,
      deadLetters: new DeadLetterQueue({ publisher: dlq, service: 's', topic: 'dlq', logger, onGivenUp: (_t, code) => givenUp.push(code) }),
      handle: options.handle ?? ((_value, message) => (calls.push(message.offset), reply(message.offset))),
      attempts: { refusedPublish: 2, deadLetter: 2 },
    });
    return { ...setup, publisher, dlq, calls, givenUp };
  }

  it('publishes what the handler returned, then commits', async () => {
    const { consumer, source, message, publisher, calls } = withOutput();
    await consumer.start();
    source.deliver?.(message(0));
    await until(() => source.commits.length === 1);
    expect(calls).toEqual(['0']);
    expect(publisher.messages).toEqual(reply('0'));
    expect(source.commits[0]).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
    await consumer.close(0);
  });

  it('retries a publish the broker refuses without running the handler again, then dead-letters the message and goes on', async () => {
    const publisher = new InMemoryPublisher();
    publisher.failWith(refusal);
    const { consumer, source, message, dlq, calls } = withOutput({ publisher });
    await consumer.start();
    source.deliver?.(message(0));
    await until(() => source.commits.length === 1);
    expect(calls).toEqual(['0']); // the handler's work is done once
    expect(publisher.calls).toBe(2); // attempts.refusedPublish
    expect(dlq.messages).toHaveLength(1);
    expect(dlq.messages[0]?.headers?.['dlq-reason']).toMatch(/^MSG_PUBLISH_REFUSED: its output could not be published: topic refused/);
    await consumer.close(0);
  });

  it('keeps retrying the publish while Kafka is away, and publishes once it is back, still without running the handler again', async () => {
    const publisher = new InMemoryPublisher();
    publisher.failWith(outage);
    const { consumer, source, message, dlq, calls } = withOutput({ publisher });
    await consumer.start();
    source.deliver?.(message(0));
    await until(() => publisher.calls >= 3); // beyond attempts.refusedPublish: an outage is not a refusal
    publisher.failWith(undefined);
    await until(() => source.commits.length === 1);
    expect(calls).toEqual(['0']);
    expect(publisher.messages).toEqual(reply('0'));
    expect(dlq.messages).toEqual([]);
    await consumer.close(0);
  });

  it('dead-letters a message whose handler throws, at once (MSG_HANDLER_FAILED), without running it again', async () => {
    let runs = 0;
    const { consumer, source, message, dlq, publisher } = withOutput({
      handle: () => {
        runs++;
        throw new Error('no such order');
      },
    });
    await consumer.start();
    source.deliver?.(message(0));
    await until(() => source.commits.length === 1);
    expect(runs).toBe(1);
    expect(publisher.calls).toBe(0);
    expect(dlq.messages[0]?.headers?.['dlq-reason']).toBe('MSG_HANDLER_FAILED: handler failed: no such order');
    await consumer.close(0);
  });

  it('gives up a dead letter that cannot be written after its attempts: counted, and committed so the partition goes on', async () => {
    const dlq = new InMemoryPublisher();
    dlq.failWith(outage);
    const { consumer, source, message, givenUp } = withOutput({ dlq, handle: () => Promise.reject(new Error('bad')) });
    await consumer.start();
    source.deliver?.(message(0));
    source.deliver?.(message(1));
    await until(() => source.commits.some((c) => c[0]?.offset === '2'));
    expect(dlq.calls).toBe(4); // attempts.deadLetter for each of the two
    expect(givenUp).toEqual(['MSG_HANDLER_FAILED', 'MSG_HANDLER_FAILED']);
    await consumer.close(0);
  });
});
