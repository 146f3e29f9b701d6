/**
 * Where the real Kafka and etcd of the tests are: KAFKA_BROKERS / ETCD_ENDPOINTS (given by the
 * user, or set by global-setup.ts to the containers it started), else the local stack's addresses.
 * Functions, read on every call: global-setup.ts sets the variables after this module is loaded.
 */
export const LOCAL_KAFKA_BROKERS = '127.0.0.1:9092';
export const LOCAL_ETCD_ENDPOINTS = 'http://127.0.0.1:2379';

/** The Kafka bootstrap servers, comma-separated `host:port`. */
export function kafkaBrokers(): string {
  return process.env['KAFKA_BROKERS'] || LOCAL_KAFKA_BROKERS;
}

/** The etcd endpoints, comma-separated URLs. */
export function etcdEndpoints(): string {
  return process.env['ETCD_ENDPOINTS'] || LOCAL_ETCD_ENDPOINTS;
}

/** A short random suffix, so every test has topics, groups and key prefixes of its own. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
