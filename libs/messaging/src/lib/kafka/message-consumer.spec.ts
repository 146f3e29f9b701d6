import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { valid } from '../contract/result';
import { InMemoryPublisher } from '../testing/in-memory.publisher';
import { DeadLetterQueue } from './dead-letter.queue';
import { MessageConsumer } from './message-consumer';

const EVENTS = { GROUP_JOIN: 'group_join', FETCH: 'fetch', CRASH: 'crash', REBALANCING: 'rebalancing' } as const;

/** A stand-in for a kafkajs consumer: joins and fetches when run, and can be made to crash. */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  disconnected = false;
  async connect(): Promise<void> {
    return undefined;
  }
  async subscribe(): Promise<void> {
    return undefined;
  }
  async run(): Promise<void> {
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

function setup() {
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
    kafka,
    groupId: 'g',
    topic: 't',
    logger,
    deadLetters: new DeadLetterQueue({ publisher: new InMemoryPublisher(), service: 's', topic: 'dlq', logger }),
    decode: () => valid('x'),
    handle: async () => undefined,
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
