import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDER, System } from '../support/system';

const TOKEN = 'it-team-0123456789abcdef';
const folder = mkdtempSync(join(tmpdir(), 'ops-tokens-'));
const tokensFile = join(folder, 'tokens');
writeFileSync(tokensFile, `# the integration test's tokens\n${TOKEN}\nit-old-0123456789abcdef expires=2020-01-01T00:00:00Z\n`);

/** ops with bearer tokens (OPS_API_TOKENS_FILE) and an operator listener (OPS_ADMIN_PORT), on the real services, Kafka and etcd. */
describe('a guarded gateway: POST /requests needs one of the bearer tokens; operator endpoints on their own listener', () => {
  const system = new System({ env: { OPS_API_TOKENS_FILE: tokensFile, OPS_ADMIN_PORT: '0' } });

  beforeAll(() => system.start(), 120_000);
  afterAll(() => system.stop());

  const post = (authorization?: string) =>
    fetch(`${system.opsUrl}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ payload: ORDER, timeoutMs: 3000 }),
    });

  it('answers a request that carries a token with the complete aggregate', async () => {
    const response = await post(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'complete' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses one without a token, with an unknown one or an expired one: 401 and WWW-Authenticate, counted', async () => {
    const missing = await post();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="ops"');
    expect(await missing.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const unknown = await post('Bearer someone-else-0123456789');
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const expired = await post('Bearer it-old-0123456789abcdef');
    expect(expired.headers.get('www-authenticate')).toContain('the bearer token has expired');
    const metrics = await (await fetch(`${system.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/ops_requests_unauthorized_total\{reason="missing"\} 1/);
    expect(metrics).toMatch(/ops_requests_unauthorized_total\{reason="expired"\} 1/);
  });

  it('serves the operator endpoints on the loopback admin listener, not on the public one; the probes on both', async () => {
    expect(system.ops.find((l) => l.msg === 'ops started')?.['adminPort']).toEqual(expect.any(Number));
    const admin = system.adminUrl;
    expect(admin).not.toBe(system.opsUrl);
    expect((await fetch(`${admin}/metrics`)).status).toBe(200);
    expect((await fetch(`${admin}/services`)).status).toBe(200);
    expect((await fetch(`${system.opsUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${system.opsUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);
  });

  it('does not start with a tokens file it cannot read: exit 2, the variable named', () => {
    const ops = spawnSync(process.execPath, [join(__dirname, '../../../../dist/apps/ops/main.cjs')], {
      env: { ...process.env, ...system.env, OPS_API_TOKENS_FILE: join(folder, 'missing') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(ops.status).toBe(2);
    expect(ops.stderr).toMatch(/^ops: invalid configuration: OPS_API_TOKENS_FILE: cannot read /);
  });
});
