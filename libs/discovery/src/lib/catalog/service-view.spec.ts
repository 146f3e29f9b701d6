import { toServiceView } from './service-view';

describe('toServiceView', () => {
  it('gives a name without instances no view', () => {
    expect(toServiceView('chain1', [])).toBeUndefined();
  });

  it('takes kind and topic from the lowest chain instance', () => {
    const view = toServiceView('a', [
      { name: 'a', kind: 'gateway', topic: 'g', instanceId: '0' },
      { name: 'a', kind: 'chain', topic: 'c2', instanceId: '2' },
      { name: 'a', kind: 'chain', topic: 'c1', instanceId: '1' },
    ]);
    expect(view).toMatchObject({ name: 'a', kind: 'chain', topic: 'c1' });
    expect(view?.instances.map((i) => i.instanceId)).toEqual(['0', '1', '2']);
  });
});
