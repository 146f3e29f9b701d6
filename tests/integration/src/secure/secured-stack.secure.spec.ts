import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, OpsClient, readKafkaSecurity, type Aggregate, type KafkaClientName } from '@gateway/messaging';
import { randomSuffix } from '../support/infra';
import { secureEnv, secureFile, stackPasswords } from '../support/secure-stack';
import { ServiceProcess } from '../support/service-process';
import { stack } from '../support/stack-control';
import { ORDER, System } from '../support/system';
import { waitFor } from '../support/wait-for';

/** The client library of this run (scripts/test.sh runs the suite once per KAFKA_CLIENT). */
const CLIENT: KafkaClientName = process.env['KAFKA_CLIENT'] === 'kafkajs' ? 'kafkajs' : 'platformatic';

const TOKEN = `it-secure-${randomSuffix()}${randomSuffix()}`;
const EXPIRED = `it-expired-${randomSuffix()}${randomSuffix()}`;
const folder = mkdtempSync(join(tmpdir(), 'ops-secure-'));
const tokensFile = join(folder, 'tokens');
writeFileSync(tokensFile, `${TOKEN}\n${EXPIRED} expires=2020-01-01T00:00:00Z\n`);

/**
 * The main scenarios once on the secured stack (`scripts/stack.sh start --secure`): Kafka over
 * SASL_SSL with SCRAM-SHA-512, etcd over TLS with client certificates, logins and a role per
 * service (docs/security.md), and ops behind bearer tokens. Every service logs in as itself.
 */
describe(`the gateway on the secured stack, services on ${CLIENT}`, () => {
  const system = new System({
    // The stack's roles are made for the default prefix: chainN may write /services/chainN/ only.
    discoveryPrefix: '/services/',
    envOf: secureEnv,
    env: { OPS_API_TOKENS_FILE: tokensFile, KAFKA_CLIENT: CLIENT },
  });
  /** Services started on their own by the negative tests (they must not start). */
  const strays: ServiceProcess[] = [];

  const post = (token?: string) =>
    fetch(`${system.opsUrl}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      // 10 s: the refusal scenarios start and stop services beside the system on two shared cores,
      // and a chain slowed by that for 3 s made a request partial once (CI, kafkajs).
      body: JSON.stringify({ payload: ORDER, timeoutMs: 10_000 }),
    });

  /**
   * Starts `app` as `name` with `env`, expecting it to stop at start with exit code 1 within
   * `withinMs`; returns the error of its `<app> failed to start` line.
   */
  async function failsToStart(
    app: string,
    name: string,
    env: Record<string, string>,
    withinMs = 20_000,
  ): Promise<{ code?: string; message: string }> {
    const started = Date.now();
    const error = await ServiceProcess.start(app, name, env, 'never logged').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/exited with code 1 before it was ready/);
    expect(Date.now() - started).toBeLessThan(withinMs);
    const stray = lastStarted(name);
    strays.push(stray);
    const fatal = stray.find((l) => l.msg === `${app} failed to start`);
    expect(fatal).toBeDefined();
    return fatal?.['err'] as { code?: string; message: string };
  }

  beforeAll(() => system.start(), 180_000);
  afterAll(async () => {
    await Promise.all(strays.map((s) => s.stop()));
    await system.stop();
  });

  it('answers a request with a token with every chain: Kafka SASL_SSL + SCRAM, etcd TLS + login', async () => {
    const response = await post(TOKEN);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Aggregate;
    expect(body.status).toBe('complete');
    expect(Object.keys(body.results).sort()).toEqual(['chain1', 'chain2', 'chain3']);
    expect(system.ops.find((l) => l.msg === 'ops started')?.['security']).toEqual({
      kafka: { protocol: 'SASL_SSL', mechanism: 'SCRAM-SHA-512', username: 'ops', tlsCa: 'file', mutualTls: false },
      etcd: { tls: true, tlsCa: 'file', clientCertificate: true, username: 'ops' },
    });
    expect(system.envFor('chain1')).toMatchObject({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', ETCD_USERNAME: 'chain1' });
  });

  it('refuses an expired token: 401 with the reason', async () => {
    const response = await post(EXPIRED);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('the bearer token has expired');
  });

  it('answers on ops.req with a reply-to, for an OpsClient that logs in with SCRAM', async () => {
    // The stack's Kafka user `admin`, a client that is none of the services.
    const env: Record<string, string> = {
      ...secureEnv('ops'),
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD_FILE: secureFile('secrets/kafka-admin.password'),
    };
    const client = new OpsClient({
      brokers: env['KAFKA_BROKERS']?.split(',') ?? [],
      security: readKafkaSecurity(env),
      clientId: `it-secure-client-${randomSuffix()}`,
      client: CLIENT,
      logger: createLogger('ops-client', 'warn'),
      topics: system.topics,
    });
    try {
      await client.start();
      const answer = await client.request({ uid: `secure-${randomSuffix()}`, payload: ORDER, timeoutMs: 5000 });
      expect(answer).toMatchObject({ status: 'complete' });
    } finally {
      await client.close();
    }
  });

  it('keeps answering across a broker restart', async () => {
    await stack('restart', 'kafka');
    await waitFor(
      'a complete answer after the broker restart',
      async () => {
        const response = await post(TOKEN);
        return response.status === 200 && ((await response.json()) as { status: string }).status === 'complete';
      },
      60_000,
    );
  });

  it('a wrong Kafka password: the service stops at start with a clear error, the rest answer on', async () => {
    const { KAFKA_SASL_PASSWORD_FILE: _file, ...rest } = system.envFor('chain3');
    const env = { ...rest, KAFKA_SASL_PASSWORD: 'not-the-password' };
    const error = await failsToStart('chain3', 'chain3-wrong-password', env);
    expect(error).toMatchObject({ code: 'MSG_KAFKA_ACCESS_DENIED' });
    expect(error.message).toMatch(/^Kafka refused the login \(KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD\): .*SASL/);
    expect((await (await post(TOKEN)).json()) as object).toMatchObject({ status: 'complete' });
  });

  it('a CA that did not sign the broker’s certificate: the service stops at start, naming TLS', async () => {
    const env = { ...system.envFor('chain3'), KAFKA_TLS_CA_FILE: secureFile('untrusted-ca.pem') };
    const error = await failsToStart('chain3', 'chain3-untrusted-ca', env);
    expect(error).toMatchObject({ code: 'MSG_KAFKA_ACCESS_DENIED' });
    expect(error.message).toMatch(/^TLS with the broker failed on a certificate .*\(SELF_SIGNED_CERT_IN_CHAIN\)/);
  });

  it('etcd refuses a client certificate from a CA it does not trust', async () => {
    const env = {
      ...system.envFor('chain3'),
      ETCD_CERT_FILE: secureFile('untrusted-client.pem'),
      ETCD_KEY_FILE: secureFile('untrusted-client-key.pem'),
    };
    const error = await failsToStart('chain3', 'chain3-untrusted-client', env);
    expect(error).toMatchObject({ code: 'DISCOVERY_ETCD_UNAVAILABLE' });
    expect(error.message).toMatch(/^could not register \/services\/chain3\/\S+ within 10000 ms/);
  });

  it('a chain that registers under another service’s name is refused by etcd, and says so', async () => {
    const asChain1 = { ...system.envFor('chain1') };
    const error = await failsToStart('chain2', 'chain2-as-chain1', asChain1);
    expect(error).toMatchObject({ code: 'DISCOVERY_ACCESS_DENIED' });
    expect(error.message).toMatch(/^etcd refused the registration under \/services\/chain2\/\S+: permission denied/);
    expect(await system.serviceNames()).toEqual(['chain1', 'chain2', 'chain3']);
    expect((await (await post(TOKEN)).json()) as object).toMatchObject({ status: 'complete' });
  });

  it('no service wrote a password or a token to its log', () => {
    const secrets = [...stackPasswords(), TOKEN, EXPIRED, 'not-the-password'];
    const logs = [...system.allProcesses(), ...strays].map((s) => ({ name: s.name, text: s.output.join('') }));
    expect(logs.length).toBeGreaterThan(5);
    const leaks = logs.flatMap(({ name, text }) => secrets.filter((s) => text.includes(s)).map((s) => `${name}: ${s.slice(0, 4)}…`));
    expect(leaks).toEqual([]);
  });

  /** The ServiceProcess the last failed start made (ServiceProcess.start rejects without returning it). */
  function lastStarted(name: string): ServiceProcess {
    const found = ServiceProcess.started.filter((s) => s.name === name).at(-1);
    if (!found) throw new Error(`no process named ${name} was started`);
    return found;
  }
});
