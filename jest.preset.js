// Shared Jest settings: TypeScript through SWC (fast, no type-check: `typecheck` does that),
// and the workspace path aliases of tsconfig.base.json.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // `cookie` (used by fastify's inject) and @platformatic/kafka ship only as ES modules (Node 20
    // requires them natively; Jest's module system cannot): compile them to CommonJS.
    '/node_modules/(cookie|@platformatic/[a-z-]+)/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|@platformatic/[a-z-]+)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@gateway/chain$': path.join(__dirname, 'libs/chain/src/index.ts'),
    '^@gateway/discovery$': path.join(__dirname, 'libs/discovery/src/index.ts'),
    '^@gateway/messaging$': path.join(__dirname, 'libs/messaging/src/index.ts'),
    '^@gateway/messaging/kafka-settings$': path.join(__dirname, 'libs/messaging/src/kafka-settings.ts'),
    '^@gateway/messaging/testing$': path.join(__dirname, 'libs/messaging/src/testing.ts'),
    '^@gateway/service$': path.join(__dirname, 'libs/service/src/index.ts'),
    '^@gateway/service/testing$': path.join(__dirname, 'libs/service/src/testing.ts'),
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.nx/', '<rootDir>/tmp/', '<rootDir>/.stack/'],
  clearMocks: true,
  reporters: ['default', path.join(__dirname, 'tools/jest-summary.reporter.js')],
};
