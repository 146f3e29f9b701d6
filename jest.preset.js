// Shared Jest settings: TypeScript through SWC (fast, no type-check: `typecheck` does that),
// and the workspace path aliases of tsconfig.base.json.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // `cookie` (used by fastify's inject) ships only as an ES module: compile it to CommonJS.
    '/node_modules/cookie/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@gateway/discovery$': path.join(__dirname, 'libs/discovery/src/index.ts'),
    '^@gateway/messaging$': path.join(__dirname, 'libs/messaging/src/index.ts'),
    '^@gateway/messaging/testing$': path.join(__dirname, 'libs/messaging/src/testing.ts'),
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.nx/', '<rootDir>/tmp/', '<rootDir>/.stack/'],
  clearMocks: true,
  reporters: ['default', path.join(__dirname, 'tools/jest-summary.reporter.js')],
};
