import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';

/** Node's codes of a TLS handshake that failed on a certificate, on either side: retrying does not change it. */
const TLS_REFUSALS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

/** The login refusals of either client: @platformatic/kafka's AuthenticationError, kafkajs' SASL error. */
const LOGIN_REFUSALS = new Set(['AuthenticationError', 'KafkaJSSASLAuthenticationError']);

interface Wrapped {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The error and every error it wraps (`cause`, an aggregate's `errors`), each once. */
function* wrapped(error: unknown, seen = new Set<unknown>()): Generator<Wrapped> {
  if (error === null || typeof error !== 'object' || seen.has(error)) return;
  seen.add(error);
  const e = error as Wrapped;
  yield e;
  yield* wrapped(e.cause, seen);
  for (const inner of Array.isArray(e.errors) ? e.errors : []) yield* wrapped(inner, seen);
}

/**
 * The broker's refusal of who this client is, as MSG_KAFKA_ACCESS_DENIED: a SASL login it refused
 * (wrong user, password or mechanism), or a TLS handshake that failed on a certificate (one the
 * client does not trust, or a client certificate the broker does not). Undefined for any other
 * error. Not worth retrying: the settings must change, so a service stops at start with it at once,
 * naming the settings to look at (docs/security.md).
 */
export function kafkaAccessRefusal(error: unknown): MessagingError | undefined {
  for (const e of wrapped(error)) {
    const name = e.name ?? (e as object).constructor?.name;
    if ((name !== undefined && LOGIN_REFUSALS.has(name)) || e.code === 'PLT_KFK_AUTHENTICATION') {
      const why = `Kafka refused the login (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD): ${e.message ?? name}`;
      return new MessagingError(MessagingErrorCodes.KAFKA_ACCESS_DENIED, why, {}, error);
    }
    if (e.code !== undefined && TLS_REFUSALS.has(e.code)) {
      const why = `TLS with the broker failed on a certificate (KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE): ${e.message ?? e.code} (${e.code})`;
      return new MessagingError(MessagingErrorCodes.KAFKA_ACCESS_DENIED, why, {}, error);
    }
  }
  return undefined;
}
