/**
 * The operator console in a real browser (Debian's chromium driven by playwright-core) against the
 * built services on the real Kafka and etcd (`scripts/test.sh browser`, a stage of npm test).
 */
export default {
  displayName: 'browser',
  preset: './jest.preset.js',
  rootDir: '../..',
  testMatch: ['<rootDir>/tests/integration/src/browser/**/*.browser.spec.ts'],
  globalSetup: '<rootDir>/tests/integration/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/integration/src/support/global-teardown.ts',
  testTimeout: 90_000,
  maxWorkers: 1,
};
