/**
 * The secured-stack suite (`scripts/test.sh secure`): the main scenarios and the negative ones on
 * Kafka with SASL_SSL and etcd with TLS and auth (`scripts/stack.sh start --secure`, which
 * scripts/test.sh runs first).
 */
export default {
  displayName: 'secure',
  preset: './jest.preset.js',
  rootDir: '../..',
  testMatch: ['<rootDir>/tests/integration/src/secure/**/*.secure.spec.ts'],
  globalSetup: '<rootDir>/tests/integration/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/integration/src/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
