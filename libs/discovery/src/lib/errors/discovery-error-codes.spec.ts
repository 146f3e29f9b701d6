import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiscoveryErrorCodes, retriableByCode } from './discovery-error-codes';
import { DiscoveryError } from './discovery.error';

describe('DiscoveryErrorCodes', () => {
  const codes = Object.values(DiscoveryErrorCodes);

  it('prefixes every code with DISCOVERY_ and names it after its key', () => {
    for (const [key, code] of Object.entries(DiscoveryErrorCodes)) {
      expect(code).toBe(`DISCOVERY_${key}`);
    }
  });

  it('says for every code whether it is retriable', () => {
    expect(Object.keys(retriableByCode).sort()).toEqual([...codes].sort());
  });

  it('is listed in the README, code for code', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const documented = [...readme.matchAll(/`(DISCOVERY_[A-Z_]+)`/g)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual([...codes].sort());
  });

  it('builds errors that carry code, retriable, cause and context', () => {
    const cause = new Error('connection refused');
    const error = new DiscoveryError(DiscoveryErrorCodes.ETCD_UNAVAILABLE, 'etcd down', {
      cause,
      context: { key: '/services/a/b' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'DiscoveryError', code: 'DISCOVERY_ETCD_UNAVAILABLE', retriable: true, cause });
    expect(error.context.key).toBe('/services/a/b');
  });
});
