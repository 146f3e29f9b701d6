import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDER, System } from '../support/system';
import { ServiceProcess } from '../support/service-process';

const REPO = join(__dirname, '../../../..');
const PACKAGE_DIR = join(REPO, 'dist/libs/chain');

/** Runs a command in `cwd` and returns its stdout; a failure throws with its output. */
function run(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

/** The first ```ts block after the example marker of the package's README. */
function readmeExample(readme: string): string {
  const marker = readme.indexOf('<!-- example:');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (marker < 0 || !block?.[1]) throw new Error('no example in the README of @gateway/chain');
  return block[1];
}

/**
 * A team's own chain, outside this workspace: @gateway/chain is packed (`npm pack`), installed from
 * the tarball into a fresh folder under the OS temp directory with TypeScript, the README's example
 * is compiled there against the package's type declarations, and the chain is run beside ops and
 * the example chains on the real Kafka and etcd.
 */
describe('@gateway/chain outside the workspace: the README example, packed, installed, compiled and asked', () => {
  const system = new System();
  let folder = '';
  let tax: ServiceProcess | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'gateway-chain-sdk-'));
    await system.start();
  }, 120_000);
  afterAll(async () => {
    await tax?.stop();
    await system.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('packs into a tarball that holds the bundle, its type declarations and a manifest with an exports map', () => {
    run(REPO, 'npm', ['pack', PACKAGE_DIR, '--pack-destination', folder, '--silent']);
    const tarball = readdirSync(folder).find((f) => /^gateway-chain-\d+\.\d+\.\d+\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const listing = run(folder, 'tar', ['-tzf', String(tarball)])
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(listing).toEqual([
      'package/README.md',
      'package/index.d.ts',
      'package/index.js',
      'package/index.js.map',
      'package/package.json',
    ]);
    const manifest = JSON.parse(run(folder, 'tar', ['-xzOf', String(tarball), 'package/package.json'])) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: '@gateway/chain', exports: { '.': { types: './index.d.ts', default: './index.js' } } });
    expect(manifest['private']).toBeUndefined();
    expect(Object.keys(manifest['dependencies'] as object)).not.toContain('@gateway/messaging');
  });

  it('installs from the tarball outside the workspace, and the README example compiles against its types', () => {
    const tarball = String(readdirSync(folder).find((f) => f.endsWith('.tgz')));
    const app = join(folder, 'tax-chain');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'tax-chain', private: true, type: 'commonjs' }));
    const typescript = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
      .devDependencies['typescript'];
    run(app, 'npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      join(folder, tarball),
      `typescript@${typescript}`,
    ]);

    // The example comes from the README that ships in the installed package.
    const readme = readFileSync(join(app, 'node_modules/@gateway/chain/README.md'), 'utf8');
    writeFileSync(join(app, 'src/main.ts'), readmeExample(readme));
    const tsconfig = { compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', outDir: 'dist', rootDir: 'src' } };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    run(app, process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
    expect(readdirSync(join(app, 'dist'))).toContain('main.js');
  }, 240_000);

  it('registers in etcd; ops asks it beside chain1..3 and carries its answers, ok and error, in the aggregate', async () => {
    tax = await ServiceProcess.run(join(folder, 'tax-chain/dist/main.js'), 'tax', system.env, 'chain service started');
    await system.waitForServices(['chain1', 'chain2', 'chain3', 'tax']);

    const { status, body } = await system.aggregate({ payload: ORDER, timeoutMs: 3000 });
    expect(status).toBe(200);
    expect(body.status).toBe('complete');
    expect(body.results['tax']).toMatchObject({ status: 'ok', result: { zip: '10115', country: 'DE', vatRate: 0.19 } });

    const bad = await system.aggregate({ payload: { ...ORDER, zip: 'Berlin' }, services: ['tax'], timeoutMs: 3000 });
    expect(bad.body.results['tax']).toMatchObject({ status: 'error', error: { code: 'BAD_ZIP' } });
  });

  it('on SIGTERM it deregisters and exits 0, and ops no longer asks it', async () => {
    tax?.signal('SIGTERM');
    expect(await tax?.exited()).toEqual({ code: 0, signal: null });
    await system.waitForServices(['chain1', 'chain2', 'chain3'], 5000);
  });
});
