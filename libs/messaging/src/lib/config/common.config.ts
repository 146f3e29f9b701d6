import { topicNames, type TopicNames } from '../contract/headers';
import { KAFKA_CLIENTS, type FetchSettings, type KafkaClientName } from '../ports/kafka-transport.port';
import type { PublisherOptions } from '../kafka/kafka.publisher';
import { readEtcdSecurity, type EtcdSecurity } from '../security/etcd-security';
import { readKafkaSecurity, type KafkaSecurity } from '../security/kafka-security';
import { readChoice, readInt, readList, readMatching, type Env } from './env';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How log lines are written: JSON lines (the default), or one coloured line per event for a person. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Settings every service shares (contract §6). */
export interface CommonConfig {
  kafkaBrokers: string[];
  /** TLS and SASL to the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_TLS_*; default PLAINTEXT). */
  kafkaSecurity: KafkaSecurity;
  /** The Kafka client library (KAFKA_CLIENT: platformatic — the default — or kafkajs). */
  kafkaClient: KafkaClientName;
  etcdEndpoints: string[];
  /** TLS and login to etcd (ETCD_CA_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE, ETCD_USERNAME, ETCD_PASSWORD[_FILE]). */
  etcdSecurity: EtcdSecurity;
  logLevel: (typeof LOG_LEVELS)[number];
  /** LOG_FORMAT: `json` (default) or `pretty` (`npm start` on a terminal sets it). */
  logFormat: LogFormat;
  /** Largest message value accepted, in bytes (MAX_MESSAGE_BYTES, default 1 MiB). */
  maxMessageBytes: number;
  /** Partitions of topics this service creates (TOPIC_PARTITIONS, default 3). */
  topicPartitions: number;
  /** How long SIGTERM may take before the process exits anyway (SHUTDOWN_GRACE_MS, default 15 s). */
  shutdownGraceMs: number;
  /** etcd key prefix of registrations (DISCOVERY_PREFIX, default `/services/` as in contract §5). */
  discoveryPrefix: string;
  /** Prefix of every topic name (TOPIC_PREFIX, default none): lets systems share a broker apart. */
  topicPrefix: string;
  /** The topic names, with the prefix applied. */
  topics: TopicNames;
  /** Kafka batching: a latency / CPU trade (docs/benchmark.md). */
  kafkaTuning: KafkaTuning;
}

/** How much a service waits to batch Kafka traffic. */
export interface KafkaTuning {
  /** Publishes within this many ms go out in one request (KAFKA_LINGER_MS, default 1; 0: one per event-loop turn). */
  lingerMs: number;
  /** Produce requests a publisher has out at once; more publishes wait and go together in the next (KAFKA_PRODUCE_IN_FLIGHT, default 0: no bound). */
  produceInFlight: number;
  /** A fetch waits for this many bytes … (KAFKA_FETCH_MIN_BYTES, default 1) */
  fetchMinBytes: number;
  /** … or this many ms, whichever first (KAFKA_FETCH_MAX_WAIT_MS, default 100). */
  fetchMaxWaitMs: number;
  /** A fetch starts no sooner than this many ms after the previous one (KAFKA_FETCH_PACING_MS, default 2). */
  fetchPacingMs: number;
}

/** Reads the shared settings; throws a MessagingError naming the variable when one is malformed. */
export function readCommonConfig(env: Env = process.env): CommonConfig {
  const topicPrefix =
    env['TOPIC_PREFIX'] === undefined ? '' : readMatching(env, 'TOPIC_PREFIX', '', /^[A-Za-z0-9._-]{1,100}$/, 'a topic name prefix');
  const etcdEndpoints = readList(
    env,
    'ETCD_ENDPOINTS',
    ['http://127.0.0.1:2379'],
    /^https?:\/\/[A-Za-z0-9.\-_]+:\d{1,5}\/?$/,
    'an http(s)://host:port URL',
  );
  return {
    kafkaBrokers: readList(env, 'KAFKA_BROKERS', ['127.0.0.1:9092'], /^[A-Za-z0-9.\-_]+:\d{1,5}$/, 'host:port'),
    kafkaSecurity: readKafkaSecurity(env),
    kafkaClient: readChoice(env, 'KAFKA_CLIENT', 'platformatic', KAFKA_CLIENTS),
    etcdEndpoints,
    etcdSecurity: readEtcdSecurity(env, etcdEndpoints),
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    logFormat: readChoice(env, 'LOG_FORMAT', 'json', LOG_FORMATS),
    maxMessageBytes: readInt(env, 'MAX_MESSAGE_BYTES', 1024 * 1024, 64, 64 * 1024 * 1024),
    topicPartitions: readInt(env, 'TOPIC_PARTITIONS', 3, 1, 1000),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 15_000, 100, 600_000),
    topicPrefix,
    topics: topicNames(topicPrefix),
    kafkaTuning: {
      lingerMs: readInt(env, 'KAFKA_LINGER_MS', 1, 0, 1000),
      produceInFlight: readInt(env, 'KAFKA_PRODUCE_IN_FLIGHT', 0, 0, 100),
      fetchMinBytes: readInt(env, 'KAFKA_FETCH_MIN_BYTES', 1, 1, 64 * 1024 * 1024),
      fetchMaxWaitMs: readInt(env, 'KAFKA_FETCH_MAX_WAIT_MS', 100, 1, 10_000),
      fetchPacingMs: readInt(env, 'KAFKA_FETCH_PACING_MS', 2, 0, 1000),
    },
    discoveryPrefix: readMatching(env, 'DISCOVERY_PREFIX', '/services/', /^\/([A-Za-z0-9._-]+\/)*$/, 'a key prefix like /services/'),
  };
}

/** A publisher's batching from the service's Kafka tuning. */
export function publisherOptions(tuning: KafkaTuning): PublisherOptions {
  return { lingerMs: tuning.lingerMs, maxInFlight: tuning.produceInFlight };
}

/** A consumer's fetch settings from the service's Kafka tuning. */
export function fetchSettings(tuning: KafkaTuning): FetchSettings {
  return { minBytes: tuning.fetchMinBytes, maxWaitMs: tuning.fetchMaxWaitMs, pacingMs: tuning.fetchPacingMs };
}
