import nx from '@nx/eslint-plugin';

/**
 * The domain of the libraries: contract types and their validation, the aggregator, the offset
 * tracker, the ports, the service catalog, its records and keys — and the error registries they
 * throw from. Pure TypeScript, unit-tested without servers (docs/architecture.md, "Shape").
 */
const DOMAIN_FOLDERS = [
  'libs/messaging/src/lib/contract',
  'libs/messaging/src/lib/aggregator',
  'libs/messaging/src/lib/consumer',
  'libs/messaging/src/lib/ports',
  'libs/messaging/src/lib/errors',
  'libs/discovery/src/lib/catalog',
  'libs/discovery/src/lib/records',
  'libs/discovery/src/lib/keys',
  'libs/discovery/src/lib/errors',
];

/** The client libraries only adapters may load: the Kafka clients, etcd3, fastify (and its plugins), pino. */
const CLIENT_LIBRARIES = /^(kafkajs|@platformatic\/kafka|etcd3|fastify|@fastify\/[^/]+|pino|pino-pretty)(\/|$)/;

/** The adapter folders of the libraries, seen from a domain folder next to them. */
const ADAPTER_FOLDERS = /^(\.\.\/(kafka|etcd|observability|logging|config|client)(\/|$)|@gateway\/)/;

const CLIENT_LIBRARY_MESSAGE =
  'The domain knows no client library: Kafka, etcd, HTTP and logging reach it through the ports ' +
  '(libs/messaging/src/lib/ports, log.port.ts for a logger); the adapters own the clients. ' +
  'See docs/architecture.md, "Shape".';
const ADAPTER_FOLDER_MESSAGE =
  'The domain does not import the adapters (kafka, etcd, observability, logging, config, client) ' +
  'nor a workspace library (@gateway/*, whose barrels export adapters): the arrows go from ' +
  'the adapters down to the domain, never up. Depend on a port instead.';

/** The import forms no-restricted-imports does not see: `import('pino').Logger` in a type, `import()`, `require()`. */
const otherImportForms = (pattern, message) =>
  [
    `TSImportType[argument.literal.value=${pattern}]`,
    `ImportExpression[source.value=${pattern}]`,
    `CallExpression[callee.name='require'][arguments.0.value=${pattern}]`,
  ].map((selector) => ({ selector, message }));

/**
 * One flat config for the workspace: typescript-eslint's recommended rules through Nx's presets,
 * Prettier owning formatting, and the Nx module-boundary rule that keeps the layering honest:
 * apps depend only on shared libs, a chain never imports another chain or ops, libs never import
 * apps, and the libraries import only the layers below their own. Inside the libraries, the domain
 * folders import neither client libraries nor adapters (the last block).
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '.nx', '.stack', 'tmp', 'bench/results'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:chain', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // The layers of the libraries, arrows only going down (docs/architecture.md): the chain
            // runtime, then the service runtime, then messaging and discovery (which know nothing of
            // each other), whose domain folders know no client library (the rule below).
            { sourceTag: 'layer:chain-runtime', onlyDependOnLibsWithTags: ['layer:service-runtime', 'layer:messaging', 'layer:discovery'] },
            { sourceTag: 'layer:service-runtime', onlyDependOnLibsWithTags: ['layer:messaging'] },
            { sourceTag: 'layer:messaging', onlyDependOnLibsWithTags: ['layer:messaging'] },
            { sourceTag: 'layer:discovery', onlyDependOnLibsWithTags: ['layer:discovery'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Type-only imports are banned as well (allowTypeImports is false): a type from a client
    // library ties the domain to that library as surely as a value does.
    files: DOMAIN_FOLDERS.map((folder) => `${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: CLIENT_LIBRARIES.source, message: CLIENT_LIBRARY_MESSAGE },
            { regex: ADAPTER_FOLDERS.source, message: ADAPTER_FOLDER_MESSAGE },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...otherImportForms(CLIENT_LIBRARIES, CLIENT_LIBRARY_MESSAGE),
        ...otherImportForms(ADAPTER_FOLDERS, ADAPTER_FOLDER_MESSAGE),
      ],
    },
  },
];
