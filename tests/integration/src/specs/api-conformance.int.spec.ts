import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { System } from '../support/system';

const REPO = join(__dirname, '../../../..');

/**
 * ops' HTTP API against its own OpenAPI document (`/docs/json`), with schemathesis and every one of
 * its checks: status codes and content types as documented, bodies matching their schemas,
 * schema-valid requests accepted, invalid ones refused with a 4xx, no unexpected 5xx (the 503 and
 * 504 that are ops' answers by design are allowed where they belong: tests/api/schemathesis.toml).
 * Run against the real services on the real Kafka and etcd.
 */
describe('the HTTP API conforms to its OpenAPI document (schemathesis, all checks)', () => {
  const system = new System({ env: {} });

  beforeAll(() => system.start(), 120_000);
  afterAll(() => system.stop());

  it('passes every schemathesis check on every operation', async () => {
    const st = execFileSync('bash', [join(REPO, 'scripts/schemathesis.sh')], { encoding: 'utf8' }).trim();
    // schemathesis keeps a cache (.schemathesis/) where it runs: in tmp/, not in the repository.
    const cwd = join(REPO, 'tmp/schemathesis');
    mkdirSync(cwd, { recursive: true });
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        st,
        [
          '--config-file',
          join(REPO, 'tests/api/schemathesis.toml'),
          'run',
          `${system.opsUrl}/docs/json`,
          '--checks',
          'all',
          '--request-timeout',
          '10',
          '--no-color',
        ],
        { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    const summary = output.split('\n').filter((line) => /generated|Failures|❌|passed|failed/.test(line));
    process.stdout.write(`schemathesis: ${summary.join(' | ')}\n`);
    if (code !== 0) throw new Error(`schemathesis found problems (exit ${code}):\n${output.slice(-6000)}`);
  }, 300_000);
});
