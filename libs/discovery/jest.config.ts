/** Unit tests of @gateway/discovery: no etcd needed. */
export default {
  displayName: 'discovery',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
