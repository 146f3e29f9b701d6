import pino from 'pino';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { createEtcdClient } from './etcd-client.factory';
import { LEASE_DEFAULTS, resolveLeaseOptions } from './lease.settings';

// Constructing a client never contacts etcd, so these checks need no server.
const logger = pino({ level: 'silent' });

describe('lease settings', () => {
  const client = createEtcdClient(['http://127.0.0.1:1']);
  afterAll(() => client.close());

  it('default to a 10 s TTL and a retry delay from 200 ms doubling up to 2 s', () => {
    expect(resolveLeaseOptions({ client, logger })).toEqual(LEASE_DEFAULTS);
    expect(LEASE_DEFAULTS).toEqual({
      ttlSeconds: 10,
      callTimeoutMs: 5000,
      closeTimeoutMs: 2000,
      initialBackoffMs: 200,
      maxBackoffMs: 2000,
    });
  });

  it('keep what is given', () => {
    const given = { ttlSeconds: 3, callTimeoutMs: 1, closeTimeoutMs: 2, initialBackoffMs: 4, maxBackoffMs: 5 };
    expect(resolveLeaseOptions({ client, logger, ...given })).toEqual(given);
  });

  it.each([
    ['ttlSeconds', 0],
    ['ttlSeconds', 2.5],
    ['callTimeoutMs', 0],
    ['closeTimeoutMs', -1],
    ['initialBackoffMs', Number.NaN],
    ['maxBackoffMs', 0],
  ])('refuse %s %p, naming it', (setting, value) => {
    expect(() => resolveLeaseOptions({ client, logger, [setting]: value })).toThrow(
      expect.objectContaining({ code: DiscoveryErrorCodes.INVALID_OPTIONS, context: { setting } }),
    );
  });
});
