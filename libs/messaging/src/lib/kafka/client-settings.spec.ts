import * as platformatic from '@platformatic/kafka';
import { Kafka } from 'kafkajs';
import pino from 'pino';
import { KAFKA_CLIENT_SETTINGS as S, PLATFORMATIC_REQUEST_TIMEOUT_MS, retryDelayMs } from './client-settings';
import { createKafka } from './kafka-client';
import { KafkajsConsumerSource } from './kafkajs.consumer-source';
import { KafkajsProduceClient } from './kafkajs.produce-client';
import { PlatformaticConsumerSource } from './platformatic.consumer-source';
import { platformaticBaseOptions } from './platformatic.options';
import { PlatformaticProduceClient } from './platformatic.produce-client';

// The real clients, built through spies that keep the options they were given.
jest.mock('kafkajs', () => {
  const actual = jest.requireActual('kafkajs');
  return { ...actual, Kafka: jest.fn((config: unknown) => new actual.Kafka(config)) };
});
jest.mock('@platformatic/kafka', () => {
  const actual = jest.requireActual('@platformatic/kafka');
  return {
    ...actual,
    Consumer: jest.fn((options: unknown) => new actual.Consumer(options)),
    Producer: jest.fn((options: unknown) => new actual.Producer(options)),
  };
});

const logger = pino({ level: 'silent' });
const fetch = { minBytes: 1, maxWaitMs: 100, pacingMs: 0 };
const sharedGroup = { sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000 };
const lastOptions = (constructor: unknown): Record<string, unknown> => {
  const { calls } = (constructor as jest.Mock).mock;
  return calls[calls.length - 1][0];
};

describe('Kafka client settings: one source for both clients', () => {
  it('kafkajs: createKafka gives the client the shared timeouts and back-off', () => {
    createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'spec', logger });
    expect(lastOptions(Kafka)).toMatchObject({
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  });

  it("kafkajs: the consumer source's group timing and metadata age, the producer's metadata age and produce timeout", async () => {
    const consumer = jest.fn(() => ({}));
    const sendBatch = jest.fn(async () => []);
    const producer = jest.fn(() => ({ on: jest.fn(), events: { CONNECT: 'c', DISCONNECT: 'd' }, sendBatch }));
    const kafka = { consumer, producer } as unknown as Kafka;
    new KafkajsConsumerSource(kafka, { groupId: 'g', topic: 't', logger, fetch });
    expect(lastOptions(consumer)).toMatchObject({ ...sharedGroup, metadataMaxAge: 5000 });
    await new KafkajsProduceClient(kafka).send([{ topic: 't', key: 'k', value: 'v' }]);
    expect(lastOptions(producer)).toMatchObject({ metadataMaxAge: 5000 });
    expect(lastOptions(sendBatch)).toMatchObject({ acks: -1, timeout: 10_000 });
  });

  it('@platformatic/kafka: producer and consumer get the shared settings, in its names', async () => {
    const expected = { connectTimeout: 3000, requestTimeout: 15_000, timeout: 10_000, retries: 4, metadataMaxAge: 5000 };
    const producer = new PlatformaticProduceClient({ brokers: ['127.0.0.1:9092'] }, 'spec-p');
    const source = new PlatformaticConsumerSource({ brokers: ['127.0.0.1:9092'] }, 'spec-c', { groupId: 'g', topic: 't', logger, fetch });
    try {
      expect(lastOptions(platformatic.Producer)).toMatchObject(expected);
      expect(lastOptions(platformatic.Consumer)).toMatchObject({ ...expected, ...sharedGroup });
      const retryDelay = lastOptions(platformatic.Consumer)['retryDelay'] as (...args: unknown[]) => number;
      for (let attempt = 1; attempt <= 4; attempt++) {
        const nominal = Math.min(100 * 2 ** (attempt - 1), 1000);
        expect(retryDelay({}, 'produce', attempt, 4, new Error('x'))).toBeGreaterThanOrEqual(nominal * 0.8);
        expect(retryDelay({}, 'produce', attempt, 4, new Error('x'))).toBeLessThanOrEqual(nominal * 1.2);
      }
    } finally {
      await Promise.all([producer.disconnect(), source.close()]);
    }
  });

  it('@platformatic/kafka: the base options are the shared values', () => {
    expect(platformaticBaseOptions({ brokers: ['b:9092'] }, 'id')).toMatchObject({
      clientId: 'id',
      bootstrapBrokers: ['b:9092'],
      connectTimeout: S.connectTimeoutMs,
      requestTimeout: PLATFORMATIC_REQUEST_TIMEOUT_MS,
      timeout: S.produceTimeoutMs,
      retries: S.retry.retries,
      metadataMaxAge: S.metadataMaxAgeMs,
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from 100 ms to at most 1 s', () => {
    const middle = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, middle))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('moves each delay by at most ±20 %, and never above the cap', () => {
    expect(retryDelayMs(1, () => 0)).toBe(80);
    expect(retryDelayMs(1, () => 1)).toBe(120);
    expect(retryDelayMs(4, () => 1)).toBe(960);
    expect(retryDelayMs(5, () => 1)).toBe(1000);
  });
});

describe('the settings hold together', () => {
  it('gives up on a broker that is down within about two seconds of retries', () => {
    const worst = [1, 2, 3, 4].reduce((sum, attempt) => sum + retryDelayMs(attempt, () => 1), 0);
    expect(worst).toBeLessThan(2000);
  });

  it('lets @platformatic/kafka wait out a rebalance on its one request timer, and kafkajs keep its own', () => {
    expect(PLATFORMATIC_REQUEST_TIMEOUT_MS).toBe(S.group.rebalanceTimeoutMs + 5000);
    expect(S.requestTimeoutMs).toBe(10_000);
  });

  it('asks the broker to wait no longer than the client waits for its answer', () => {
    expect(S.produceTimeoutMs).toBeLessThanOrEqual(S.requestTimeoutMs);
  });

  it('heartbeats several times per session, and rebalances no shorter than a session (as @platformatic/kafka requires)', () => {
    expect(S.group.heartbeatIntervalMs * 3).toBeLessThanOrEqual(S.group.sessionTimeoutMs);
    expect(S.group.rebalanceTimeoutMs).toBeGreaterThanOrEqual(S.group.sessionTimeoutMs);
  });

  it("kafkajs' own back-off multiplier and jitter, which createKafka leaves to it, are the shared ones", () => {
    // kafkajs/src/retry/defaults.js: multiplier 2, factor 0.2.
    expect({ multiplier: S.retry.multiplier, jitter: S.retry.jitter }).toEqual({ multiplier: 2, jitter: 0.2 });
  });
});
