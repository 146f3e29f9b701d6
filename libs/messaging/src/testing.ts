// Test doubles for the ports of this library, for fast unit tests without Kafka (also for users'
// own chains and clients). Not part of the runtime bundle: import from `@gateway/messaging/testing`.
export * from './lib/testing/fake-clock';
export * from './lib/testing/in-memory.publisher';
export * from './lib/testing/in-memory.topic-admin';
export * from './lib/testing/in-memory.transport';
export * from './lib/testing/throwaway-certificate';
