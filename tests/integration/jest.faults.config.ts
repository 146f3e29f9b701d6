/**
 * The fault-injection suite (`npm run test:faults`): scenarios that kill, pause and restart the real
 * service processes, Kafka and etcd, and check the invariants I1–I6 after each. Needs the local
 * stack (scripts/stack.sh), which it starts and stops around itself through scripts/test.sh.
 */
export default {
  displayName: 'faults',
  preset: './jest.preset.js',
  rootDir: '../..',
  testMatch: ['<rootDir>/tests/integration/src/faults/**/*.fault.spec.ts'],
  globalSetup: '<rootDir>/tests/integration/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/integration/src/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
