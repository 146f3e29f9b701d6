import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import pino, { Logger } from 'pino';
import { createEtcdClient } from '../../../src';

/** The etcd endpoints under test, from ETCD_ENDPOINTS (default http://127.0.0.1:2379). */
export function etcdEndpoints(): string[] {
  return (process.env['ETCD_ENDPOINTS'] ?? 'http://127.0.0.1:2379').split(',');
}

/** A key prefix no other test uses, e.g. `/test-3f9a…/services/`. */
export function randomPrefix(): string {
  return `/test-${randomBytes(6).toString('hex')}/services/`;
}

/** A client on the etcd under test. */
export function newClient(): Etcd3 {
  return createEtcdClient(etcdEndpoints(), { callTimeoutMs: 3000 });
}

/** A logger that prints only when DEBUG_DISCOVERY is set. */
export function testLogger(): Logger {
  return pino({ level: process.env['DEBUG_DISCOVERY'] ? 'debug' : 'silent' });
}

/** Polls `check` until it returns true (or resolves to true), failing with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The lease id a key is attached to ('0' for none), or undefined when the key does not exist. */
export async function leaseOf(client: Etcd3, key: string): Promise<string | undefined> {
  const response = await client.get(key).exec();
  return response.kvs[0]?.lease;
}

/** Writes `value` at `key` on a fresh lease without keepalive, like `etcdctl put --lease=<id>`; returns the lease id. */
export async function putWithLease(client: Etcd3, key: string, value: unknown, ttlSeconds = 30): Promise<string> {
  const { ID } = await client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: 0 });
  await client.put(key).value(JSON.stringify(value)).lease(ID).exec();
  return ID;
}

/** Revokes a lease by id from outside its owner, like `etcdctl lease revoke <id>`. */
export async function revokeLease(client: Etcd3, id: string): Promise<void> {
  await client.leaseClient.leaseRevoke({ ID: id });
}

/** Ends a test: closes what it started (emptying the list), deletes the keys under its prefix, closes its client. */
export async function cleanUp(client: Etcd3, prefix: string, started: { close(): Promise<void> }[]): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.close()));
  await client.delete().prefix(prefix).exec();
  client.close();
}
