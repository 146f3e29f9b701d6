import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { SASLOptions as PlatformaticSaslOptions } from '@platformatic/kafka';
import { Secret } from '../security/secret';
import { PLAINTEXT_SECURITY, type KafkaSecurity } from '../security/kafka-security';

/** The TLS options both libraries hand to `tls.connect`. */
function tlsOptions(security: KafkaSecurity): ConnectionOptions | undefined {
  if (!security.tls) return undefined;
  const { ca, cert, key } = security.tls;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/**
 * A {@link KafkaSecurity} in kafkajs' names (`ssl`, `sasl`). kafkajs takes the password as a
 * string and keeps it in its options; it never logs them. The socket factory (kafka-client.ts)
 * sends the broker's host name as SNI.
 */
export function kafkajsSecurityOptions(security: KafkaSecurity = PLAINTEXT_SECURITY): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl = tlsOptions(security);
  const sasl = security.sasl;
  return {
    ...(ssl ? { ssl } : {}),
    ...(sasl
      ? {
          sasl: {
            mechanism: sasl.mechanism.toLowerCase(),
            username: sasl.username,
            password: sasl.password.reveal(),
          } as SASLOptions,
        }
      : {}),
  };
}

/**
 * A {@link KafkaSecurity} in @platformatic/kafka's names (`tls`, `tlsServerName`, `sasl`). The
 * password is a function that reveals it when a connection logs in, so the client's options hold no
 * plain copy. The broker's host name goes out as SNI (managed Kafka routes on it), unless the
 * brokers are given as IP addresses, which SNI may not carry (RFC 6066).
 */
export function platformaticSecurityOptions(
  brokers: string[],
  security: KafkaSecurity = PLAINTEXT_SECURITY,
): { tls?: ConnectionOptions; tlsServerName?: boolean; sasl?: PlatformaticSaslOptions } {
  const tls = tlsOptions(security);
  const sasl = security.sasl;
  const byName = brokers.some((broker) => isIP(broker.slice(0, broker.lastIndexOf(':'))) === 0);
  return {
    ...(tls ? { tls, tlsServerName: byName } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: () => sasl.password.reveal() } } : {}),
  };
}

/** A {@link KafkaSecurity} as it crosses to a Kafka thread (`workerData` is a structured clone: a {@link Secret} loses its value). */
export interface KafkaSecurityData {
  protocol: KafkaSecurity['protocol'];
  tls?: KafkaSecurity['tls'];
  sasl?: { mechanism: NonNullable<KafkaSecurity['sasl']>['mechanism']; username: string; password: string };
}

/** The security for a Kafka thread's `workerData`: the password in the clear, inside the process. */
export function securityToThread(security: KafkaSecurity): KafkaSecurityData {
  const { sasl, ...rest } = security;
  return { ...rest, ...(sasl ? { sasl: { ...sasl, password: sasl.password.reveal() } } : {}) };
}

/** The security a Kafka thread was started with, its password a {@link Secret} again. */
export function securityFromThread(data: KafkaSecurityData): KafkaSecurity {
  const { sasl, ...rest } = data;
  return { ...rest, ...(sasl ? { sasl: { ...sasl, password: new Secret(sasl.password) } } : {}) };
}
