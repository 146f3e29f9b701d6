import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { readCommonConfig } from './common.config';

function configError(env: Record<string, string>): MessagingError {
  try {
    readCommonConfig(env);
  } catch (error) {
    if (error instanceof MessagingError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('readCommonConfig', () => {
  it('applies the defaults of contract §6 to an empty environment', () => {
    expect(readCommonConfig({})).toMatchObject({
      kafkaBrokers: ['127.0.0.1:9092'],
      etcdEndpoints: ['http://127.0.0.1:2379'],
      logLevel: 'info',
      logFormat: 'json',
      maxMessageBytes: 1024 * 1024,
      topicPartitions: 3,
      shutdownGraceMs: 15_000,
      discoveryPrefix: '/services/',
    });
  });

  it('reads every variable when set', () => {
    expect(
      readCommonConfig({
        KAFKA_BROKERS: 'kafka-1:9092, kafka-2:19092',
        ETCD_ENDPOINTS: 'https://etcd-1:2379,https://etcd.example.com:2379/',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'pretty',
        MAX_MESSAGE_BYTES: '2048',
        TOPIC_PARTITIONS: '6',
        SHUTDOWN_GRACE_MS: '5000',
        DISCOVERY_PREFIX: '/team-a/services/',
      }),
    ).toMatchObject({
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:19092'],
      etcdEndpoints: ['https://etcd-1:2379', 'https://etcd.example.com:2379/'],
      etcdSecurity: { tls: {} },
      logLevel: 'debug',
      logFormat: 'pretty',
      maxMessageBytes: 2048,
      topicPartitions: 6,
      shutdownGraceMs: 5000,
      discoveryPrefix: '/team-a/services/',
    });
  });

  it('batches Kafka traffic by default (1 ms linger, 2 ms fetch pacing, no bound on produce requests out) and reads the tuning variables', () => {
    expect(readCommonConfig({}).kafkaTuning).toEqual({
      lingerMs: 1,
      produceInFlight: 0,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
      fetchPacingMs: 2,
    });
    expect(
      readCommonConfig({
        KAFKA_LINGER_MS: '0',
        KAFKA_PRODUCE_IN_FLIGHT: '2',
        KAFKA_FETCH_MIN_BYTES: '4096',
        KAFKA_FETCH_MAX_WAIT_MS: '5',
        KAFKA_FETCH_PACING_MS: '0',
      }).kafkaTuning,
    ).toEqual({ lingerMs: 0, produceInFlight: 2, fetchMinBytes: 4096, fetchMaxWaitMs: 5, fetchPacingMs: 0 });
  });

  it('produces and consumes with @platformatic/kafka by default; KAFKA_CLIENT=kafkajs picks kafkajs', () => {
    expect(readCommonConfig({}).kafkaClient).toBe('platformatic');
    expect(readCommonConfig({ KAFKA_CLIENT: 'kafkajs' }).kafkaClient).toBe('kafkajs');
    expect(() => readCommonConfig({ KAFKA_CLIENT: 'rdkafka' })).toThrow(/KAFKA_CLIENT/);
  });

  it('ignores variables it does not read', () => {
    expect(readCommonConfig({ PATH: '/usr/bin', OPS_HTTP_PORT: '8080' }).logLevel).toBe('info');
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_BROKERS', 'kafka:9092,bad host:1'],
    ['KAFKA_BROKERS', 'kafka:port'],
    ['KAFKA_BROKERS', ''],
    ['KAFKA_BROKERS', 'kafka:123456'],
    ['ETCD_ENDPOINTS', '127.0.0.1:2379'],
    ['ETCD_ENDPOINTS', 'etcd://127.0.0.1:2379'],
    ['ETCD_ENDPOINTS', 'http://127.0.0.1'],
    ['ETCD_ENDPOINTS', ','],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', ''],
    ['LOG_FORMAT', 'xml'],
    ['MAX_MESSAGE_BYTES', 'lots'],
    ['MAX_MESSAGE_BYTES', '1.5'],
    ['MAX_MESSAGE_BYTES', '10'],
    ['MAX_MESSAGE_BYTES', String(64 * 1024 * 1024 + 1)],
    ['TOPIC_PARTITIONS', '0'],
    ['SHUTDOWN_GRACE_MS', '-5'],
    ['KAFKA_LINGER_MS', '-1'],
    ['KAFKA_FETCH_PACING_MS', 'soon'],
    ['KAFKA_FETCH_PACING_MS', '1001'],
    ['DISCOVERY_PREFIX', 'services/'],
    ['DISCOVERY_PREFIX', '/services'],
  ])('refuses %s=%p with MSG_CONFIG_INVALID naming the variable', (variable, raw) => {
    const error = configError({ [variable]: raw });
    expect(error.code).toBe(MessagingErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain(variable);
    expect(error.context.variable).toBe(variable);
  });
});
