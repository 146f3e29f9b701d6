/**
 * The cluster suite (`npm run test:cluster`): the gateway on a three-broker Kafka and a
 * three-member etcd (`scripts/stack.sh start --cluster`) under steady load while brokers and etcd
 * members are killed, paused and restarted. scripts/test.sh starts the cluster stack and points
 * KAFKA_BROKERS / ETCD_ENDPOINTS at it.
 */
export default {
  displayName: 'cluster',
  preset: './jest.preset.js',
  rootDir: '../..',
  testMatch: ['<rootDir>/tests/integration/src/cluster/**/*.cluster.spec.ts'],
  globalSetup: '<rootDir>/tests/integration/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/integration/src/support/global-teardown.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
