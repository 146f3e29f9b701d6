import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const STACK = join(__dirname, '../../../../scripts/stack.sh');

/**
 * Does a fault to the real Kafka or etcd process of the local stack: `kill` (SIGKILL), `pause`
 * (SIGSTOP), `resume` (SIGCONT), `restart` (start again on the same data). Faults to servers the
 * stack did not start (KAFKA_BROKERS / ETCD_ENDPOINTS set) cannot be done, and say so.
 */
export async function stack(action: 'kill' | 'pause' | 'resume' | 'restart' | 'start', component: 'kafka' | 'etcd'): Promise<string> {
  const variable = component === 'kafka' ? 'KAFKA_BROKERS' : 'ETCD_ENDPOINTS';
  if (process.env[variable]) throw new Error(`fault scenarios on ${component} need the local stack; unset ${variable}`);
  const { stdout } = await exec('bash', [STACK, action, component], { timeout: 120_000 });
  return stdout.trim();
}
