import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError } from 'etcd3';
import { FakeLeaseGranter } from '../testing/fake-lease-granter';
import { recordingLogger } from '../testing/recording-logger';
import { LeaseHolder } from './lease.holder';
import type { LeaseUser, LeaseWrite } from './lease.ports';
import { LEASE_DEFAULTS, type LeaseSettings } from './lease.settings';

const ERROR = 50;
const WARN = 40;
const DEBUG = 20;

/** A user that records what it is told and writes the lease id, failing while `failures` lasts. */
function user(
  failures = 0,
  failure: (n: number) => Error = (n) => new Error(`write ${n} failed`),
): LeaseUser<string> & { events: string[]; writes: string[]; failures: number } {
  const u = {
    what: 'test',
    where: '/keys/test',
    events: [] as string[],
    writes: [] as string[],
    failures,
    write: async ({ leaseId }: LeaseWrite): Promise<string> => {
      u.writes.push(leaseId);
      if (u.failures-- > 0) throw failure(u.writes.length);
      return leaseId;
    },
    held: (value: string) => u.events.push(`held:${value}`),
    lost: (value: string) => u.events.push(`lost:${value}`),
    released: (value: string) => u.events.push(`released:${value}`),
  };
  return u;
}

function setup(
  who = user(),
  settings: Partial<LeaseSettings> = {},
): { holder: LeaseHolder<string>; etcd: FakeLeaseGranter; lines: Record<string, unknown>[] } {
  const etcd = new FakeLeaseGranter();
  const { logger, lines } = recordingLogger();
  const all = { ...LEASE_DEFAULTS, initialBackoffMs: 10, maxBackoffMs: 20, closeTimeoutMs: 200, ...settings };
  return { holder: new LeaseHolder(etcd, all, who, logger), etcd, lines };
}

/** A holder that has started and holds its first lease. */
async function holding(who = user()): Promise<ReturnType<typeof setup>> {
  const parts = setup(who);
  parts.holder.start();
  expect(await parts.holder.settled(1000)).toBe(true);
  return parts;
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('LeaseHolder', () => {
  it('settles at once when etcd refuses the write (permission denied), names the key, logs an error, and clears it once a write succeeds', async () => {
    const who = user(2, () => new EtcdPermissionDeniedError('etcdserver: permission denied'));
    const { holder, lines } = setup(who, { initialBackoffMs: 50, maxBackoffMs: 50 });
    holder.start();
    const started = Date.now();
    expect(await holder.settled(5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(holder.value).toBeUndefined();
    expect(holder.refusal).toMatchObject({ code: 'DISCOVERY_ACCESS_DENIED', retriable: false });
    expect(holder.refusal?.message).toMatch(/^etcd refused the test under \/keys\/test: permission denied/);
    await until(() => lines.some((l) => l['level'] === ERROR && l['msg'] === 'test failed; retrying'));
    await until(() => holder.value !== undefined);
    expect(holder.refusal).toBeUndefined();
    await holder.close();
  });

  it('calls a wrong login ACCESS_DENIED too, and any other failure not', async () => {
    const login = setup(user(1, () => new EtcdAuthenticationFailedError('etcdserver: authentication failed, invalid user ID or password')));
    login.holder.start();
    await login.holder.settled(5000);
    expect(login.holder.refusal?.message).toMatch(/^etcd refused the login/);
    await login.holder.close();
    const other = setup(user(1));
    other.holder.start();
    await until(() => other.holder.value !== undefined);
    expect(other.holder.refusal).toBeUndefined();
    await other.holder.close();
  });

  it('grants a lease with the TTL of its settings, has the user write under it, and tells it held', async () => {
    const who = user();
    const { holder, etcd } = setup(who, { ttlSeconds: 7 });
    holder.start();
    expect(await holder.settled(1000)).toBe(true);
    expect(etcd.leases.map((l) => l.ttlSeconds)).toEqual([7]);
    expect(who.writes).toEqual(['lease-1']);
    expect(who.events).toEqual(['held:lease-1']);
    expect(holder.value).toBe('lease-1');
    holder.start(); // held already: no second attempt
    expect(etcd.leases).toHaveLength(1);
    await holder.close();
  });

  it('retries a failed write on a fresh lease, with the backoff of its settings: one warning, then debug', async () => {
    const who = user(2);
    const { holder, etcd, lines } = setup(who, { initialBackoffMs: 30, maxBackoffMs: 40 });
    holder.start();
    expect(await holder.settled(2000)).toBe(true);
    expect(who.writes).toEqual(['lease-1', 'lease-2', 'lease-3']);
    expect(etcd.leases.map((l) => l.ended)).toEqual(['revoked', 'revoked', undefined]);
    const retries = lines.filter((l) => l['msg'] === 'test failed; retrying');
    expect(retries.map((l) => [l['level'], l['attempt']])).toEqual([
      [WARN, 1],
      [DEBUG, 2],
    ]);
    const [first, second] = retries.map((l) => Number(l['delayMs']));
    expect(first).toBeGreaterThanOrEqual(24); // 30 ms ± 20 %
    expect(first).toBeLessThanOrEqual(36);
    expect(second).toBeGreaterThanOrEqual(40 * 0.8); // doubled, then capped at 40 ms
    expect(second).toBeLessThanOrEqual(40);
    expect((retries[0]?.['err'] as { message: string }).message).toBe('write 1 failed');
    await holder.close();
  });

  it('retries a grant that fails, without writing', async () => {
    const who = user();
    const { holder, etcd } = setup(who);
    etcd.failGrants = 1;
    holder.start();
    expect(await holder.settled(1000)).toBe(true);
    expect(who.writes).toEqual(['lease-2']);
    await holder.close();
  });

  it('on a lost lease tells the user, grants a new one and has it written again', async () => {
    const who = user();
    const { holder, etcd } = await holding(who);
    etcd.leases[0]?.lose();
    expect(holder.value).toBeUndefined();
    await until(() => holder.value === 'lease-2');
    expect(who.events).toEqual(['held:lease-1', 'lost:lease-1', 'held:lease-2']);
    await holder.close();
  });

  it('does not hold a lease lost while its key was being written, and tries again', async () => {
    const who = user();
    const { holder, etcd } = setup(who);
    const write = who.write;
    who.write = async (lease) => {
      if (etcd.leases.length === 1) etcd.leases[0]?.lose();
      return write(lease);
    };
    holder.start();
    expect(await holder.settled(1000)).toBe(true);
    expect(who.events).toEqual(['held:lease-2']);
    expect(holder.lastError).toEqual(new Error('lease lost right after the key was written'));
    await holder.close();
  });

  it('close() revokes the held lease and tells the user; it is idempotent, and start() after it does nothing', async () => {
    const who = user();
    const { holder, etcd } = await holding(who);
    await Promise.all([holder.close(), holder.close()]);
    expect(etcd.leases[0]?.ended).toBe('revoked');
    expect(who.events).toEqual(['held:lease-1', 'released:lease-1']);
    expect(holder.value).toBeUndefined();
    expect(holder.closing).toBe(true);
    holder.start();
    expect(etcd.leases).toHaveLength(1);
  });

  it('close() ends the retries at once, and a settled() still waiting resolves', async () => {
    const who = user(Number.POSITIVE_INFINITY);
    const { holder, etcd } = setup(who, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    holder.start();
    await until(() => etcd.leases.length === 1 && etcd.leases[0]?.ended !== undefined);
    const waiting = holder.settled(60_000);
    const started = Date.now();
    await holder.close();
    expect(await waiting).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(etcd.leases).toHaveLength(1);
  });

  it('settled() resolves false after its time limit while the attempts fail; lastError says why', async () => {
    const { holder } = setup(user(Number.POSITIVE_INFINITY));
    holder.start();
    expect(await holder.settled(50)).toBe(false);
    expect(holder.lastError).toBeInstanceOf(Error);
    await holder.close();
  });

  it('a revoke that fails at close is logged and the lease is left to expire', async () => {
    const who = user();
    const { holder, etcd, lines } = await holding(who);
    etcd.failRevokes = true;
    await holder.close();
    expect(etcd.leases[0]?.ended).toBe('released');
    expect(who.events).toEqual(['held:lease-1']);
    expect(lines.some((l) => l['msg'] === 'could not revoke the lease; the key will expire with its TTL')).toBe(true);
  });

  it('an attempt still running at close revokes its own lease when it ends', async () => {
    const who = user();
    let finish: () => void = () => undefined;
    const write = who.write;
    who.write = (lease) => new Promise<void>((resolve) => (finish = resolve)).then(() => write(lease));
    const { holder, etcd, lines } = setup(who, { closeTimeoutMs: 20 });
    holder.start();
    await new Promise((resolve) => setTimeout(resolve, 10)); // granted, and the write under way
    await holder.close();
    expect(lines.some((l) => l['msg'] === 'test attempt still running at close; its lease will be revoked when it ends')).toBe(true);
    finish();
    await until(() => etcd.leases[0]?.ended === 'revoked');
    expect(who.events).toEqual(['released:lease-1']);
    expect(holder.value).toBeUndefined();
  });

  it('a listener that throws is logged, and the lease is held all the same', async () => {
    const who = user();
    who.held = () => {
      throw new Error('listener bug');
    };
    const { holder, lines } = setup(who);
    holder.start();
    expect(await holder.settled(1000)).toBe(true);
    expect(holder.value).toBe('lease-1');
    expect(lines.some((l) => l['msg'] === 'a test listener threw')).toBe(true);
    await holder.close();
  });

  it('update() writes under the lease held now, and does nothing when none is held or after close()', async () => {
    const { holder } = setup();
    const seen: string[] = [];
    const record = async ({ leaseId }: LeaseWrite): Promise<void> => {
      seen.push(leaseId);
    };
    expect(await holder.update(record)).toBe(false);
    holder.start();
    await holder.settled(1000);
    expect(await holder.update(record)).toBe(true);
    await expect(holder.update(() => Promise.reject(new Error('put failed')))).rejects.toThrow('put failed');
    await holder.close();
    expect(await holder.update(record)).toBe(false);
    expect(seen).toEqual(['lease-1']);
  });
});
