import { ServiceKind, ServiceRecord } from '../records/service-record';
import { ServiceCatalog } from './service-catalog';

function rec(name: string, instanceId: string, kind: ServiceKind = 'chain', extra: object = {}): ServiceRecord {
  return { name, kind, topic: `${name}.req`, instanceId, ...extra };
}

function record(catalog: ServiceCatalog): string[] {
  const events: string[] = [];
  catalog.on('service-up', (name) => events.push(`up:${name}`));
  catalog.on('service-down', (name) => events.push(`down:${name}`));
  catalog.on('change', () => events.push('change'));
  return events;
}

describe('ServiceCatalog', () => {
  it('emits service-up for the first instance only', () => {
    const catalog = new ServiceCatalog();
    const events = record(catalog);
    catalog.upsert(rec('chain1', 'a'));
    expect(events).toEqual(['up:chain1', 'change']);
    catalog.upsert(rec('chain1', 'b'));
    expect(events).toEqual(['up:chain1', 'change', 'change']);
    expect(catalog.get('chain1')?.instances.map((i) => i.instanceId)).toEqual(['a', 'b']);
  });

  it('emits nothing when the same record is written again', () => {
    const catalog = new ServiceCatalog();
    catalog.upsert(rec('chain1', 'a'));
    const events = record(catalog);
    catalog.upsert(rec('chain1', 'a'));
    expect(events).toEqual([]);
    catalog.upsert(rec('chain1', 'a', 'chain', { version: 2 }));
    expect(events).toEqual(['change']);
  });

  it('emits service-down only when the last instance goes', () => {
    const catalog = new ServiceCatalog();
    catalog.upsert(rec('chain1', 'a'));
    catalog.upsert(rec('chain1', 'b'));
    const events = record(catalog);
    catalog.remove('chain1', 'a');
    expect(events).toEqual(['change']);
    catalog.remove('chain1', 'b');
    expect(events).toEqual(['change', 'down:chain1', 'change']);
    expect(catalog.get('chain1')).toBeUndefined();
    catalog.remove('chain1', 'b');
    catalog.remove('nobody', 'x');
    expect(events).toHaveLength(3);
  });

  it('replaceAll emits only the differences', () => {
    const catalog = new ServiceCatalog();
    catalog.replaceAll([rec('chain1', 'a'), rec('chain2', 'a'), rec('ops', 'g', 'gateway')]);
    const events = record(catalog);
    catalog.replaceAll([rec('ops', 'g', 'gateway'), rec('chain2', 'a'), rec('chain1', 'a')]);
    expect(events).toEqual([]);
    catalog.replaceAll([rec('chain2', 'b'), rec('chain3', 'a'), rec('ops', 'g', 'gateway')]);
    expect(events).toEqual(['down:chain1', 'up:chain3', 'change']);
    events.length = 0;
    catalog.replaceAll([rec('chain2', 'b'), rec('chain3', 'a'), rec('ops', 'g', 'gateway', { v: 2 })]);
    expect(events).toEqual(['change']);
    events.length = 0;
    catalog.replaceAll([]);
    expect(events).toEqual(['down:chain2', 'down:chain3', 'down:ops', 'change']);
  });

  it('chainServices lists names with a chain instance, sorted, without gateways', () => {
    const catalog = new ServiceCatalog();
    catalog.upsert(rec('zeta', 'a'));
    catalog.upsert(rec('ops', 'g1', 'gateway'));
    catalog.upsert(rec('alpha', 'b'));
    catalog.upsert(rec('alpha', 'a'));
    expect(catalog.chainServices().map((s) => s.name)).toEqual(['alpha', 'zeta']);
    expect(catalog.chainServices()[0]).toEqual({
      name: 'alpha',
      kind: 'chain',
      topic: 'alpha.req',
      instances: [rec('alpha', 'a'), rec('alpha', 'b')],
    });
    expect(catalog.snapshot().map((s) => `${s.name}:${s.kind}`)).toEqual(['alpha:chain', 'ops:gateway', 'zeta:chain']);
  });

  it('hands out copies, so callers cannot change the catalog', () => {
    const catalog = new ServiceCatalog();
    const original = rec('chain1', 'a');
    catalog.upsert(original);
    original.topic = 'mutated';
    const view = catalog.get('chain1');
    view?.instances.pop();
    expect(catalog.get('chain1')?.instances).toEqual([rec('chain1', 'a')]);
  });

  it('on() returns an unsubscribe function', () => {
    const catalog = new ServiceCatalog();
    const seen: string[] = [];
    const off = catalog.on('service-up', (name) => seen.push(name));
    catalog.upsert(rec('a', '1'));
    off();
    catalog.upsert(rec('b', '1'));
    expect(seen).toEqual(['a']);
  });

  it('updates state and calls every listener even when one throws, then rethrows', () => {
    const catalog = new ServiceCatalog();
    const seen: string[] = [];
    catalog.on('service-up', () => {
      throw new Error('boom');
    });
    catalog.on('service-up', (name) => seen.push(name));
    expect(() => catalog.upsert(rec('a', '1'))).toThrow('boom');
    expect(seen).toEqual(['a']);
    expect(catalog.get('a')).toBeDefined();
  });

  it('leaves draining instances out of chainServices but keeps the service until its last key goes', () => {
    const catalog = new ServiceCatalog();
    catalog.upsert(rec('chain1', 'a'));
    catalog.upsert(rec('chain1', 'b'));
    const events = record(catalog);

    catalog.upsert(rec('chain1', 'a', 'chain', { draining: true }));
    expect(catalog.chainServices().map((v) => v.instances.map((i) => i.instanceId))).toEqual([['b']]);

    catalog.upsert(rec('chain1', 'b', 'chain', { draining: true }));
    expect(catalog.chainServices()).toEqual([]);
    expect(catalog.get('chain1')?.instances).toHaveLength(2);
    expect(events).not.toContain('down:chain1');

    catalog.remove('chain1', 'a');
    catalog.remove('chain1', 'b');
    expect(events).toContain('down:chain1');
  });

  it('returns the same chainServices array until the catalog changes', () => {
    const catalog = new ServiceCatalog();
    catalog.upsert(rec('chain1', 'a'));
    const first = catalog.chainServices();
    expect(catalog.chainServices()).toBe(first);
    catalog.upsert(rec('chain1', 'a')); // the same record again: no change
    expect(catalog.chainServices()).toBe(first);
    catalog.upsert(rec('chain2', 'a'));
    const second = catalog.chainServices();
    expect(second).not.toBe(first);
    expect(second.map((v) => v.name)).toEqual(['chain1', 'chain2']);
    catalog.replaceAll([rec('chain2', 'a')]);
    expect(catalog.chainServices().map((v) => v.name)).toEqual(['chain2']);
  });
});
