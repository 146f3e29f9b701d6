import { KAFKA_CLIENT_SETTINGS as S, KAFKAJS_CLIENT_OPTIONS, platformaticBaseOptions } from '@gateway/messaging/kafka-settings';
import { Kafka } from 'kafkajs';
import { bareKafka } from './bare-kafka';
import { baseOptions, CONSUME_OPTIONS } from './platformatic-common';

jest.mock('kafkajs', () => {
  const actual = jest.requireActual('kafkajs');
  return { ...actual, Kafka: jest.fn((config: unknown) => new actual.Kafka(config)) };
});

describe("the benchmark's Kafka clients have the services' settings (@gateway/messaging)", () => {
  it('kafkajs: the bare client', () => {
    bareKafka(['127.0.0.1:9092'], 'bench-spec');
    const { calls } = (Kafka as unknown as jest.Mock).mock;
    expect(calls[calls.length - 1][0]).toMatchObject(KAFKAJS_CLIENT_OPTIONS);
  });

  it("@platformatic/kafka: base options and the consumers' group timing", () => {
    expect(baseOptions(['127.0.0.1:9092'], 'id')).toEqual(platformaticBaseOptions({ brokers: ['127.0.0.1:9092'] }, 'id'));
    expect(CONSUME_OPTIONS).toMatchObject({
      sessionTimeout: S.group.sessionTimeoutMs,
      heartbeatInterval: S.group.heartbeatIntervalMs,
      rebalanceTimeout: S.group.rebalanceTimeoutMs,
    });
  });
});
