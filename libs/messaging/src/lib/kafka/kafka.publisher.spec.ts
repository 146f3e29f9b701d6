import type { Kafka } from 'kafkajs';
import pino from 'pino';
import type { OutgoingMessage } from '../ports/publisher.port';
import { chunkWaiters, KafkaPublisher } from './kafka.publisher';

const waiter = (id: string, valueBytes: number, count = 1) => ({
  id,
  messages: Array.from({ length: count }, (): OutgoingMessage => ({ topic: 't', key: id, value: 'x'.repeat(valueBytes) })),
});

describe('chunkWaiters', () => {
  it('keeps a turn in one request while it fits', () => {
    const chunks = chunkWaiters([waiter('a', 100), waiter('b', 100)], 10_000);
    expect(chunks.map((c) => c.map((w) => w.id))).toEqual([['a', 'b']]);
  });

  it('splits a burst into requests under the limit, in order, each waiter whole', () => {
    const burst = Array.from({ length: 10 }, (_, i) => waiter(`w${i}`, 300, 3));
    const chunks = chunkWaiters(burst, 2_000);
    expect(chunks.flat().map((w) => w.id)).toEqual(burst.map((w) => w.id));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((w) => w.messages).reduce((sum, m) => sum + 64 + String(m.key).length + String(m.value).length, 0);
      expect(bytes).toBeLessThanOrEqual(2_000);
    }
  });

  it('sends a waiter larger than the limit alone rather than splitting it', () => {
    const chunks = chunkWaiters([waiter('small', 10), waiter('huge', 5_000), waiter('after', 10)], 1_000);
    expect(chunks.map((c) => c.map((w) => w.id))).toEqual([['small'], ['huge'], ['after']]);
  });
});

/** A kafkajs stand-in that records when each sendBatch was made and with how many messages. */
function fakeKafka() {
  const sends: Array<{ at: number; messages: number }> = [];
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({ topicMessages }: { topicMessages: Array<{ messages: unknown[] }> }) => {
      sends.push({ at: performance.now(), messages: topicMessages.reduce((n, t) => n + t.messages.length, 0) });
      return [];
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, sends };
}

const message = (key: string): OutgoingMessage => ({ topic: 't', key, value: 'v' });
const silent = pino({ level: 'silent' });

describe('KafkaPublisher linger', () => {
  it('sends a lone publish on the next turn, without lingering', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = new KafkaPublisher(kafka, silent, 50);
    const started = performance.now();
    await publisher.publish([message('a')]);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.at - started).toBeLessThan(25);
  });

  it('while busy, lingers and gathers the publishes of that time into one request', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = new KafkaPublisher(kafka, silent, 30);
    await publisher.publish([message('first')]); // idle: out at once, and now the publisher is busy
    const lingered = publisher.publish([message('a')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const joined = publisher.publish([message('b'), message('c')]);
    await Promise.all([lingered, joined]);
    expect(sends.map((s) => s.messages)).toEqual([1, 3]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(25);
  });

  it('with lingerMs 0, sends every turn', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = new KafkaPublisher(kafka, silent, 0);
    await publisher.publish([message('a')]);
    await publisher.publish([message('b')]);
    expect(sends.map((s) => s.messages)).toEqual([1, 1]);
    expect(sends[1]!.at - sends[0]!.at).toBeLessThan(25);
  });
});
