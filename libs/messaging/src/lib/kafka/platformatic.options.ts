import { ProduceAcks } from '@platformatic/kafka';
import type { KafkaConnection } from '../security/kafka-security';
import { KAFKA_CLIENT_SETTINGS as S, PLATFORMATIC_REQUEST_TIMEOUT_MS, retryDelayMs } from './client-settings';
import { platformaticSecurityOptions } from './kafka-security.options';

/**
 * The shared client settings (client-settings.ts) in @platformatic/kafka's names, for its producers
 * and consumers (the services' and the benchmark's). Its `timeout` is not the client's request timer
 * but the timeout a produce request carries to the broker; the timer is `requestTimeout`. With the
 * connection's TLS and SASL.
 */
export function platformaticBaseOptions({ brokers, security }: KafkaConnection, clientId: string) {
  return {
    clientId,
    bootstrapBrokers: brokers,
    ...platformaticSecurityOptions(brokers, security),
    connectTimeout: S.connectTimeoutMs,
    requestTimeout: PLATFORMATIC_REQUEST_TIMEOUT_MS,
    timeout: S.produceTimeoutMs,
    retries: S.retry.retries,
    retryDelay: platformaticRetryDelay,
    metadataMaxAge: S.metadataMaxAgeMs,
  };
}

/** The shared back-off as @platformatic/kafka's `retryDelay` function (its `attempt` counts from 1). */
export function platformaticRetryDelay(_client: unknown, _operationId: string, attempt: number): number {
  return retryDelayMs(attempt);
}

/**
 * What every `send` of a @platformatic/kafka producer carries: acks from all in-sync replicas.
 * Given to each send, not to the constructor: @platformatic/kafka 2.12 reads `acks` from the send's
 * own options only and defaults it to the leader's ack alone (a constructor's `acks` is ignored
 * unless the producer is idempotent). With the leader's ack alone, a broker that was paused past
 * its session timeout acknowledges, when it resumes, writes it is no longer leader for, and they
 * are truncated away: acknowledged and lost (docs/operations.md, "Failures").
 */
export const PLATFORMATIC_SEND_OPTIONS = { acks: ProduceAcks.ALL } as const;

/** Group membership of a @platformatic/kafka consumer (its constructor's options, or `consume()`'s). */
export const PLATFORMATIC_GROUP_OPTIONS = {
  sessionTimeout: S.group.sessionTimeoutMs,
  heartbeatInterval: S.group.heartbeatIntervalMs,
  rebalanceTimeout: S.group.rebalanceTimeoutMs,
};
