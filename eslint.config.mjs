import nx from '@nx/eslint-plugin';

/**
 * One flat config for the workspace: typescript-eslint's recommended rules through Nx's presets,
 * Prettier owning formatting, and the Nx module-boundary rule that keeps the layering honest:
 * apps depend only on shared libs, a chain never imports another chain or ops, libs never import
 * apps, and the libraries import only the layers below their own.
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
];
