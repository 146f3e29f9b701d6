import { kafkaAccessRefusal } from './access-refusal';

/** An error shaped like the clients' own: a name, a code, and what it wraps. */
function failure(name: string, message: string, extra: { code?: string; cause?: unknown; errors?: unknown[] } = {}): Error {
  const error = new Error(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  error.name = name;
  return Object.assign(error, extra.code ? { code: extra.code } : {}, extra.errors ? { errors: extra.errors } : {});
}

describe('kafkaAccessRefusal', () => {
  it("finds @platformatic/kafka's AuthenticationError deep in its aggregates", () => {
    const auth = failure('AuthenticationError', 'SASL authentication failed.', { code: 'PLT_KFK_AUTHENTICATION' });
    const network = failure('NetworkError', 'Connection to 127.0.0.1:9094 failed.', { code: 'PLT_KFK_NETWORK', cause: auth });
    const top = failure('MultipleErrors', 'Listing topics failed.', {
      errors: [failure('MultipleErrors', 'Cannot connect to any broker.', { errors: [network] })],
    });
    const denied = kafkaAccessRefusal(top);
    expect(denied).toMatchObject({ code: 'MSG_KAFKA_ACCESS_DENIED', retriable: false });
    expect(denied?.message).toBe(
      'Kafka refused the login (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD): SASL authentication failed.',
    );
  });

  it("finds kafkajs' SASL error", () => {
    const denied = kafkaAccessRefusal(
      failure('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: invalid credentials'),
    );
    expect(denied?.message).toMatch(/^Kafka refused the login .*: SASL SCRAM SHA512 authentication failed/);
  });

  it('finds a certificate the client does not trust, with its code', () => {
    const tls = failure('Error', 'self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const retries = failure('KafkaJSNumberOfRetriesExceeded', 'Connection error: self-signed certificate in certificate chain', {
      cause: failure('KafkaJSConnectionError', 'Connection error', { cause: tls }),
    });
    expect(kafkaAccessRefusal(retries)?.message).toBe(
      'TLS with the broker failed on a certificate (KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE): self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)',
    );
  });

  it('leaves any other failure alone, and survives an error that wraps itself', () => {
    expect(kafkaAccessRefusal(failure('NetworkError', 'connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' }))).toBeUndefined();
    const loop = failure('MultipleErrors', 'loop');
    Object.assign(loop, { errors: [loop] });
    expect(kafkaAccessRefusal(loop)).toBeUndefined();
    expect(kafkaAccessRefusal('a string')).toBeUndefined();
  });
});
