/**
 * Integration tests: the built services against the real Kafka and etcd (the local stack, or the
 * servers named by KAFKA_BROKERS / ETCD_ENDPOINTS). Also runs the libraries' own integration specs.
 */
export default {
  displayName: 'integration',
  preset: './jest.preset.js',
  rootDir: '../..',
  testMatch: ['<rootDir>/tests/integration/src/specs/**/*.int.spec.ts', '<rootDir>/libs/*/test/integration/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/tests/integration/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/integration/src/support/global-teardown.ts',
  testTimeout: 90_000,
  maxWorkers: 1,
};
