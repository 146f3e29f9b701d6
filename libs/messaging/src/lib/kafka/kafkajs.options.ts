import type { ConsumerConfig, KafkaConfig, ProducerBatch, ProducerConfig } from 'kafkajs';
import { KAFKA_CLIENT_SETTINGS as S } from './client-settings';

/**
 * The shared client settings (client-settings.ts) in kafkajs' names, for `new Kafka` (createKafka,
 * and the benchmark's bare client): connect and request timeouts, and the retry back-off. The
 * back-off's `multiplier` and `factor` (jitter) are left to kafkajs, whose defaults (2 and 0.2) are
 * the shared ones (a test keeps them equal): given explicitly, ops' fail-fast answer on kafkajs
 * during a broker outage came after 3.0–3.8 s instead of under 3 s (fault scenario 8, measured
 * again and again), for a reason inside kafkajs this project did not find.
 */
export const KAFKAJS_CLIENT_OPTIONS = {
  connectionTimeout: S.connectTimeoutMs,
  requestTimeout: S.requestTimeoutMs,
  retry: { retries: S.retry.retries, initialRetryTime: S.retry.initialDelayMs, maxRetryTime: S.retry.maxDelayMs },
} satisfies Partial<KafkaConfig>;

/** Group membership and metadata age of a kafkajs consumer (`kafka.consumer`). */
export const KAFKAJS_CONSUMER_OPTIONS = {
  sessionTimeout: S.group.sessionTimeoutMs,
  heartbeatInterval: S.group.heartbeatIntervalMs,
  rebalanceTimeout: S.group.rebalanceTimeoutMs,
  metadataMaxAge: S.metadataMaxAgeMs,
} satisfies Partial<ConsumerConfig>;

/** Metadata age of a kafkajs producer (`kafka.producer`): kafkajs sets it per producer and consumer, not per client. */
export const KAFKAJS_PRODUCER_OPTIONS = { metadataMaxAge: S.metadataMaxAgeMs } satisfies Partial<ProducerConfig>;

/** The produce timeout, which kafkajs takes per `send` / `sendBatch` (its own default is 30 s). */
export const KAFKAJS_SEND_OPTIONS = { timeout: S.produceTimeoutMs } satisfies Partial<ProducerBatch>;
