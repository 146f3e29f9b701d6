// Builds @gateway/chain as a package a team installs outside this workspace (dist/libs/chain):
//
// - index.js: one CommonJS bundle of libs/chain with the workspace libraries it uses inlined, and
//   every npm package left as an import, so the user's install provides them;
// - index.d.ts: the type declarations of the public API, with the workspace types inlined;
// - package.json: the manifest, with an `exports` map, and `dependencies` computed from what the
//   bundle and the declarations import, at the versions this workspace is tested with.
//
// `nx run chain:build` runs it; `npm pack dist/libs/chain` makes the tarball.
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'libs/chain');
const out = join(root, 'dist/libs/chain');
const entry = join(project, 'src/index.ts');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier);

/** Workspace libraries (`@gateway/*`) are bundled; every other bare import stays external. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@gateway/') ? undefined : { path: args.path, external: true }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [entry],
  outfile: join(out, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  tsconfig: join(project, 'tsconfig.lib.json'),
  plugins: [externalNpmPackages],
  metafile: true,
  logLevel: 'warning',
});

const declarations = generateDtsBundle([{ filePath: entry, output: { noBanner: true } }], {
  preferredConfigPath: join(project, 'tsconfig.lib.json'),
})[0];
writeFileSync(join(out, 'index.d.ts'), declarations);

// Every package the bundle or its declarations import must be a dependency of the package.
const imported = new Set();
for (const output of Object.values(result.metafile.outputs))
  for (const { path, external } of output.imports) if (external && !isBuiltin(path)) imported.add(packageOf(path));
for (const [, specifier] of declarations.matchAll(/from ['"]([^'"]+)['"]/g))
  if (!specifier.startsWith('.') && !isBuiltin(specifier)) imported.add(packageOf(specifier));

const workspace = readJson(join(root, 'package.json'));
const source = readJson(join(project, 'package.json'));
const dependencies = {};
for (const name of [...imported].sort()) {
  const version = workspace.dependencies?.[name];
  if (!version) throw new Error(`@gateway/chain imports ${name}, which is not a dependency of the workspace's package.json`);
  dependencies[name] = version;
}

const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  engines: source.engines,
  type: 'commonjs',
  main: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
    './package.json': './package.json',
  },
  files: ['index.js', 'index.js.map', 'index.d.ts', 'README.md'],
  dependencies,
  // Loaded only with LOG_FORMAT=pretty; JSON logs need nothing more.
  peerDependencies: { 'pino-pretty': workspace.devDependencies['pino-pretty'] },
  peerDependenciesMeta: { 'pino-pretty': { optional: true } },
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(project, 'README.md'), join(out, 'README.md'));
process.stdout.write(
  `built ${manifest.name}@${manifest.version} in dist/libs/chain: dependencies ${Object.keys(dependencies).join(', ')}\n`,
);
