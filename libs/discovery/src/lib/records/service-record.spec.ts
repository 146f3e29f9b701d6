import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { parseServiceRecord, validateServiceRecord } from './service-record';

const KEY = '/services/chain1/i-1';
const good = { name: 'chain1', kind: 'chain', topic: 'chain1.req', instanceId: 'i-1' };
const json = (value: unknown): string => JSON.stringify(value);

describe('parseServiceRecord', () => {
  it('accepts a contract record and keeps extra fields', () => {
    const record = parseServiceRecord(KEY, json({ ...good, version: '1.2.0', weight: 3 }));
    expect(record).toEqual({ ...good, version: '1.2.0', weight: 3 });
  });

  it('accepts a gateway record under a custom prefix', () => {
    const gateway = { name: 'ops', kind: 'gateway', topic: 'ops.req', instanceId: 'g1' };
    expect(parseServiceRecord('/t/services/ops/g1', json(gateway), '/t/services/')).toEqual(gateway);
  });

  it.each([
    ['bad JSON', '{"name": "chain1",'],
    ['a JSON array', json([good])],
    ['JSON null', 'null'],
    ['a JSON string', json('chain1')],
    ['a missing topic', json({ name: 'chain1', kind: 'chain', instanceId: 'i-1' })],
    ['a missing instanceId', json({ name: 'chain1', kind: 'chain', topic: 'chain1.req' })],
    ['an empty topic', json({ ...good, topic: '' })],
    ['a numeric name', json({ ...good, name: 1 })],
    ['an unknown kind', json({ ...good, kind: 'worker' })],
    ['a missing kind', json({ name: 'chain1', topic: 'chain1.req', instanceId: 'i-1' })],
    ['a name that differs from the key', json({ ...good, name: 'chain2' })],
    ['an instanceId that differs from the key', json({ ...good, instanceId: 'i-2' })],
  ])('returns undefined for %s', (_what, value) => {
    expect(parseServiceRecord(KEY, value)).toBeUndefined();
  });

  it('returns undefined when the key is not a service key', () => {
    expect(parseServiceRecord('/services/chain1', json(good))).toBeUndefined();
    expect(parseServiceRecord('/elsewhere/chain1/i-1', json(good))).toBeUndefined();
  });

  it('says why through validateServiceRecord, with the INVALID_RECORD code', () => {
    const check = validateServiceRecord(KEY, json({ ...good, kind: 'worker' }));
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.error.code).toBe(DiscoveryErrorCodes.INVALID_RECORD);
      expect(check.error.retriable).toBe(false);
      expect(check.error.context.key).toBe(KEY);
      expect(check.error.message).toContain('kind');
    }
  });

  it('keeps the JSON parse error as the cause', () => {
    const check = validateServiceRecord(KEY, '{');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.error.cause).toBeInstanceOf(SyntaxError);
    }
  });
});
