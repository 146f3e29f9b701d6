import { invalidSetting, readChoice, readSecret, readString, type Env } from '../config/env';
import type { Secret } from './secret';
import { readTlsFiles, type TlsFiles } from './tls-files';

/** How a client talks to the brokers (KAFKA_SECURITY_PROTOCOL), Kafka's own names. */
export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];

/** How a client proves who it is over SASL (KAFKA_SASL_MECHANISM). */
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A SASL login. */
export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: Secret;
}

/** Everything about a Kafka connection beyond the broker addresses: encryption and login. */
export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  /** With SSL and SASL_SSL: the CA to trust (none: the system's) and, for mutual TLS, a certificate and key. */
  tls?: TlsFiles;
  /** With SASL_PLAINTEXT and SASL_SSL. */
  sasl?: KafkaSasl;
}

/** Where the brokers are and how to talk to them. */
export interface KafkaConnection {
  brokers: string[];
  /** Default: {@link PLAINTEXT_SECURITY}. */
  security?: KafkaSecurity;
}

/** Plain TCP without a login: the local stack, and the default. */
export const PLAINTEXT_SECURITY: KafkaSecurity = { protocol: 'PLAINTEXT' };

const TLS_VARIABLES = { ca: 'KAFKA_TLS_CA_FILE', cert: 'KAFKA_TLS_CERT_FILE', key: 'KAFKA_TLS_KEY_FILE' } as const;
const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const;

/** True when the protocol encrypts the connection. */
export function usesTls(protocol: KafkaSecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

/** True when the protocol logs in with SASL. */
export function usesSasl(protocol: KafkaSecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

/**
 * KAFKA_SECURITY_PROTOCOL and what it needs: KAFKA_TLS_* with SSL and SASL_SSL, KAFKA_SASL_* with
 * SASL_PLAINTEXT and SASL_SSL. A setting the protocol does not use is refused rather than ignored
 * (a KAFKA_SASL_PASSWORD beside PLAINTEXT means the operator believes the service logs in), and
 * every refusal names its variable. The password is read into a {@link Secret}.
 */
export function readKafkaSecurity(env: Env): KafkaSecurity {
  const protocol = readChoice(env, 'KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT', KAFKA_SECURITY_PROTOCOLS);
  const unused = (variables: readonly string[], needs: string) => {
    const set = variables.find((v) => env[v] !== undefined);
    if (set) throw invalidSetting(set, `is set, but KAFKA_SECURITY_PROTOCOL is ${protocol}: it is used with ${needs} only`);
  };
  if (!usesTls(protocol)) unused(Object.values(TLS_VARIABLES), 'SSL or SASL_SSL');
  if (!usesSasl(protocol)) unused(SASL_VARIABLES, 'SASL_PLAINTEXT or SASL_SSL');
  const tls = usesTls(protocol) ? (readTlsFiles(env, TLS_VARIABLES) ?? {}) : undefined;
  return { protocol, ...(tls ? { tls } : {}), ...(usesSasl(protocol) ? { sasl: readSasl(env, protocol) } : {}) };
}

function readSasl(env: Env, protocol: KafkaSecurityProtocol): KafkaSasl {
  const needed = (variable: string) => invalidSetting(variable, `is needed with KAFKA_SECURITY_PROTOCOL=${protocol}`);
  if (env['KAFKA_SASL_MECHANISM'] === undefined) throw needed('KAFKA_SASL_MECHANISM');
  if (env['KAFKA_SASL_USERNAME'] === undefined) throw needed('KAFKA_SASL_USERNAME');
  const mechanism = readChoice(env, 'KAFKA_SASL_MECHANISM', 'PLAIN', KAFKA_SASL_MECHANISMS);
  const username = readString(env, 'KAFKA_SASL_USERNAME', '');
  const password = readSecret(env, 'KAFKA_SASL_PASSWORD');
  if (!password)
    throw invalidSetting('KAFKA_SASL_PASSWORD', `(or KAFKA_SASL_PASSWORD_FILE) is needed with KAFKA_SECURITY_PROTOCOL=${protocol}`);
  return { mechanism, username, password };
}

/** What a log line may say about the connection: the protocol, mechanism and user, never the password. */
export function describeKafkaSecurity(security: KafkaSecurity): Record<string, unknown> {
  return {
    protocol: security.protocol,
    ...(security.sasl ? { mechanism: security.sasl.mechanism, username: security.sasl.username } : {}),
    ...(security.tls ? { tlsCa: security.tls.ca ? 'file' : 'system', mutualTls: security.tls.cert !== undefined } : {}),
  };
}
