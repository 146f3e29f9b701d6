/** Integration tests of @gateway/discovery against a real etcd (ETCD_ENDPOINTS, default http://127.0.0.1:2379). */
export default {
  displayName: 'discovery-integration',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/integration/**/*.int.spec.ts'],
  testTimeout: 30000,
};
