import pino from 'pino';
import type { ProduceClient } from '../ports/kafka-transport.port';
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

/** A client stand-in that records when each produce request was made and with how many messages. */
function fakeProducer(fail?: Error & { refused?: boolean }) {
  const sends: Array<{ at: number; messages: number }> = [];
  const producer: ProduceClient = {
    connected: true,
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (messages) => {
      sends.push({ at: performance.now(), messages: messages.length });
      if (fail) throw fail;
    },
    isRefusal: (error) => (error as { refused?: boolean }).refused === true,
  };
  return { producer, sends };
}

const message = (key: string): OutgoingMessage => ({ topic: 't', key, value: 'v' });
const silent = pino({ level: 'silent' });

describe('KafkaPublisher linger', () => {
  it('sends a lone publish on the next turn, without lingering', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 50 });
    const started = performance.now();
    await publisher.publish([message('a')]);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.at - started).toBeLessThan(25);
  });

  it('while busy, lingers and gathers the publishes of that time into one request', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 30 });
    await publisher.publish([message('first')]); // idle: out at once, and now the publisher is busy
    const lingered = publisher.publish([message('a')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const joined = publisher.publish([message('b'), message('c')]);
    await Promise.all([lingered, joined]);
    expect(sends.map((s) => s.messages)).toEqual([1, 3]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(25);
  });

  it('with lingerMs 0, sends every turn', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 0 });
    await publisher.publish([message('a')]);
    await publisher.publish([message('b')]);
    expect(sends.map((s) => s.messages)).toEqual([1, 1]);
    expect(sends[1]!.at - sends[0]!.at).toBeLessThan(25);
  });
});

describe('KafkaPublisher failures', () => {
  it('rejects every caller of a failed request with KAFKA_UNAVAILABLE, naming the topics', async () => {
    const { producer } = fakeProducer(new Error('connection refused'));
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 0 });
    const results = await Promise.allSettled([
      publisher.publish([message('a')]),
      publisher.publish([{ topic: 'u', key: 'b', value: 'v' }]),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'MSG_KAFKA_UNAVAILABLE', retriable: true });
      expect((result as PromiseRejectedResult).reason.message).toContain('could not publish to t, u: connection refused');
    }
  });

  it('rejects a request the broker refused with PUBLISH_REFUSED (not retriable)', async () => {
    const { producer } = fakeProducer(Object.assign(new Error('message too large'), { refused: true }));
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 0 });
    await expect(publisher.publish([message('a')])).rejects.toMatchObject({ code: 'MSG_PUBLISH_REFUSED', retriable: false });
  });

  it('refuses publishes after close, and sends what was queued before it', async () => {
    const { producer, sends } = fakeProducer();
    const publisher = new KafkaPublisher(producer, silent, { lingerMs: 0 });
    const queued = publisher.publish([message('a')]);
    await publisher.close();
    await queued;
    expect(sends).toHaveLength(1);
    await expect(publisher.publish([message('b')])).rejects.toMatchObject({ code: 'MSG_CLOSED' });
  });
});

describe('KafkaPublisher in-flight bound', () => {
  /** A client whose produce requests are answered only when the test says so. */
  function heldProducer() {
    const sends: number[] = [];
    const answers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const producer: ProduceClient = {
      connected: true,
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: (messages) => {
        sends.push(messages.length);
        return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
      },
      isRefusal: () => false,
    };
    return { producer, sends, answerNext: () => answers.shift()?.resolve(), failNext: (error: Error) => answers.shift()?.reject(error) };
  }
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps at most maxInFlight requests out; what comes meanwhile goes together in the next', async () => {
    const { producer, sends, answerNext } = heldProducer();
    const publisher = new KafkaPublisher(producer, silent, { maxInFlight: 1 });
    const first = publisher.publish([message('a')]);
    await turn();
    const later = [publisher.publish([message('b')]), publisher.publish([message('c')])];
    await turn();
    const last = publisher.publish([message('d'), message('e')]);
    await turn();
    expect(sends).toEqual([1]);
    answerNext();
    await first;
    await turn();
    expect(sends).toEqual([1, 4]);
    answerNext();
    await Promise.all([...later, last]);
  });

  it('sends every turn without a bound (maxInFlight 0)', async () => {
    const { producer, sends, answerNext } = heldProducer();
    const publisher = new KafkaPublisher(producer, silent, { maxInFlight: 0 });
    const all = [publisher.publish([message('a')])];
    await turn();
    all.push(publisher.publish([message('b')]));
    await turn();
    expect(sends).toEqual([1, 1]);
    answerNext();
    answerNext();
    await Promise.all(all);
  });

  it('a failed request frees its place: what waited for it goes out in the next and settles on its own', async () => {
    const { producer, sends, answerNext, failNext } = heldProducer();
    const publisher = new KafkaPublisher(producer, silent, { maxInFlight: 1 });
    const failed = publisher.publish([message('a')]);
    await turn();
    const next = publisher.publish([message('b')]);
    await turn();
    expect(sends).toEqual([1]);
    failNext(new Error('broker gone'));
    await expect(failed).rejects.toThrow(/broker gone/);
    await turn();
    answerNext();
    await expect(next).resolves.toBeUndefined();
    expect(sends).toEqual([1, 1]);
  });
});

describe('KafkaPublisher retryUntil', () => {
  /** A client whose sends fail while any message is bound for a topic in `down`. */
  function partlyDown(down: Set<string>) {
    const sends: string[][] = [];
    const producer: ProduceClient = {
      connected: true,
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (messages) => {
        sends.push(messages.map((m) => String(m.key)));
        if (messages.some((m) => down.has(m.topic))) throw new Error('no leader for the partition');
      },
      isRefusal: () => false,
    };
    return { producer, sends };
  }
  const to = (topic: string, key: string): OutgoingMessage => ({ topic, key, value: 'v' });

  it('sends a failed publish again on its own, so one topic without a leader holds up only its own messages', async () => {
    const down = new Set(['dead']);
    const { producer, sends } = partlyDown(down);
    const publisher = new KafkaPublisher(producer, silent);
    const retryUntil = Date.now() + 2000;
    const live = publisher.publish([to('live', 'a')], { retryUntil });
    const dead = publisher.publish([to('dead', 'b')], { retryUntil });
    await live; // failed with b in the first request, then went alone
    expect(sends.slice(0, 1)).toEqual([['a', 'b']]);
    expect(sends).toContainEqual(['a']);
    setTimeout(() => down.delete('dead'), 250); // a new leader is elected
    await dead;
    expect(sends.filter((s) => s.join() === 'b').length).toBeGreaterThanOrEqual(2);
  });

  it('fails with the last error once the next attempt would start after retryUntil', async () => {
    const { producer, sends } = partlyDown(new Set(['dead']));
    const publisher = new KafkaPublisher(producer, silent);
    const started = Date.now();
    const error = await publisher.publish([to('dead', 'b')], { retryUntil: started + 400 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MSG_KAFKA_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(400);
    expect(sends.length).toBeGreaterThanOrEqual(3); // at 0, ~100 and ~300 ms
  });

  it('fails at once without retryUntil, and a refusal is never sent again', async () => {
    const { producer, sends } = partlyDown(new Set(['dead']));
    const publisher = new KafkaPublisher(producer, silent);
    await expect(publisher.publish([to('dead', 'b')])).rejects.toMatchObject({ code: 'MSG_KAFKA_UNAVAILABLE' });
    expect(sends).toHaveLength(1);
    const refusing = fakeProducer(Object.assign(new Error('too large'), { refused: true }));
    const strict = new KafkaPublisher(refusing.producer, silent);
    await expect(strict.publish([message('a')], { retryUntil: Date.now() + 5000 })).rejects.toMatchObject({ code: 'MSG_PUBLISH_REFUSED' });
    expect(refusing.sends).toHaveLength(1);
  });

  it('close() fails a publish waiting to be sent again, with its last error', async () => {
    const { producer } = partlyDown(new Set(['dead']));
    const publisher = new KafkaPublisher(producer, silent);
    const pending = publisher.publish([to('dead', 'b')], { retryUntil: Date.now() + 10_000 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await publisher.close();
    expect(await pending).toMatchObject({ code: 'MSG_KAFKA_UNAVAILABLE' });
  });
});

describe('KafkaPublisher onRetry', () => {
  it('tells the caller each time a send failed and the publish goes again', async () => {
    let failing = true;
    const producer: ProduceClient = {
      connected: true,
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async () => {
        if (failing) throw new Error('no leader');
      },
      isRefusal: () => false,
    };
    const publisher = new KafkaPublisher(producer, silent);
    const retries: string[] = [];
    setTimeout(() => (failing = false), 150);
    await publisher.publish([message('a')], { retryUntil: Date.now() + 2000, onRetry: (e) => retries.push(e.message) });
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toContain('no leader');
  });
});
