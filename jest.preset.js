// Shared Jest settings: TypeScript through SWC (fast, no type-check: `typecheck` does that),
// and the workspace path aliases of tsconfig.base.json.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@gateway/discovery$': path.join(__dirname, 'libs/discovery/src/index.ts'),
    '^@gateway/messaging$': path.join(__dirname, 'libs/messaging/src/index.ts'),
  },
  clearMocks: true,
};
