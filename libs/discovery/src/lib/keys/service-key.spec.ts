import { DiscoveryError } from '../errors/discovery.error';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { SERVICES_PREFIX, parseServiceKey, serviceKey } from './service-key';

describe('serviceKey / parseServiceKey', () => {
  it('builds the contract key under /services/', () => {
    expect(SERVICES_PREFIX).toBe('/services/');
    expect(serviceKey('chain1', 'host-a-1234')).toBe('/services/chain1/host-a-1234');
  });

  it.each([
    ['chain1', 'i-1', undefined],
    ['chain.two', 'pod:7f-x', '/test-abc/services/'],
    ['ops', 'a_b-c', '/custom'],
  ])('round-trips %s/%s under prefix %s', (name, instanceId, prefix) => {
    const key = serviceKey(name, instanceId, prefix);
    expect(parseServiceKey(key, prefix)).toEqual({ name, instanceId });
  });

  it('treats a prefix with or without its trailing slash alike', () => {
    expect(serviceKey('a', 'b', '/x/services')).toBe('/x/services/a/b');
    expect(parseServiceKey('/x/services/a/b', '/x/services')).toEqual({ name: 'a', instanceId: 'b' });
  });

  it.each(['/other/chain1/i-1', '/services/chain1', '/services/chain1/', '/services//i-1', '/services/chain1/i-1/extra', '/services/'])(
    'refuses the key %s',
    (key) => {
      expect(parseServiceKey(key)).toBeUndefined();
    },
  );

  it.each([
    ['', 'i-1'],
    ['chain1', ''],
    ['a/b', 'i-1'],
    ['chain1', 'i/1'],
  ])('throws INVALID_RECORD for name %j and instanceId %j', (name, instanceId) => {
    expect(() => serviceKey(name, instanceId)).toThrow(DiscoveryError);
    try {
      serviceKey(name, instanceId);
    } catch (err: unknown) {
      expect(err).toMatchObject({ code: DiscoveryErrorCodes.INVALID_RECORD, retriable: false });
    }
  });
});
