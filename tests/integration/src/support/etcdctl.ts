import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { etcdEndpoints } from './infra';

const exec = promisify(execFile);

/** Runs etcd's own command-line client against the test etcd (ETCDCTL_API=3). */
export async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await exec('etcdctl', [`--endpoints=${etcdEndpoints()}`, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    timeout: 10_000,
  });
  return stdout.trim();
}

/** Grants a lease with `etcdctl lease grant` and returns its hex id. */
export async function grantLease(ttlSeconds: number): Promise<string> {
  const out = await etcdctl('lease', 'grant', String(ttlSeconds));
  const id = /lease ([0-9a-f]+) granted/.exec(out)?.[1];
  if (!id) throw new Error(`unexpected etcdctl output: ${out}`);
  return id;
}
