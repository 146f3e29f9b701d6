// Test doubles of the service runtime's ports, for unit tests of a service without etcd.
// Not part of the runtime bundle: import from `@gateway/service/testing`.
export * from './lib/testing/in-memory.registration';
