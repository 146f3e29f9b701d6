/** Where the real Kafka and etcd of the tests are: the environment, or the local stack's defaults. */
export const KAFKA_BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
export const ETCD_ENDPOINTS = process.env['ETCD_ENDPOINTS'] ?? 'http://127.0.0.1:2379';

/** A short random suffix, so every test has topics, groups and key prefixes of its own. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
