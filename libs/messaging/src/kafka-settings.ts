// The Kafka client settings (timeouts, retries, group timing), stated once, and in each client's
// names. An entry point of their own, `@gateway/messaging/kafka-settings`, so that a process that
// needs only these (the benchmark's generator and echo processes) loads nothing else of the library.
export * from './lib/kafka/client-settings';
export * from './lib/kafka/kafkajs.options';
export * from './lib/kafka/platformatic.options';
