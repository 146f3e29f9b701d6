import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '../../../..');

/** The folder of the secured stack's CA, certificates and passwords (scripts/secure-material.sh). */
export const SECURE_DIR = join(process.env['STACK_DIR'] ?? join(REPO, '.stack'), 'secure');

/** A file of {@link SECURE_DIR}: `ca.pem`, `untrusted-ca.pem`, `secrets/kafka-ops.password` … */
export function secureFile(name: string): string {
  return join(SECURE_DIR, name);
}

/**
 * The environment of `service` on the secured stack, exactly as `scripts/stack.sh env --secure
 * <service>` prints it for a user (Kafka SASL_SSL with SCRAM-SHA-512 as that user, etcd over TLS
 * with a client certificate, logged in as that user).
 */
export function secureEnv(service: string): Record<string, string> {
  const out = execFileSync('bash', [join(REPO, 'scripts/stack.sh'), 'env', '--secure', service], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  if (!env['KAFKA_SECURITY_PROTOCOL']) throw new Error(`scripts/stack.sh env --secure ${service} printed no security settings:\n${out}`);
  return env;
}

/** Every password of the secured stack (Kafka and etcd users), to look for in logs. */
export function stackPasswords(): string[] {
  const dir = secureFile('secrets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.password'))
    .map((f) => readFileSync(join(dir, f), 'utf8').trim())
    .filter((p) => p.length > 0);
}
