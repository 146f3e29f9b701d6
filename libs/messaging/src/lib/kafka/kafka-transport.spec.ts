import { staticMemberId } from './kafka-transport';

describe('staticMemberId', () => {
  it('is the same for every consumer a process builds in one group, and differs between groups and processes', () => {
    expect(staticMemberId('ops-host-12-ab', 'ops')).toBe(staticMemberId('ops-host-12-ab', 'ops'));
    expect(staticMemberId('ops-host-12-ab', 'ops')).not.toBe(staticMemberId('ops-host-12-ab', 'ops-replies'));
    expect(staticMemberId('ops-host-12-ab', 'ops')).not.toBe(staticMemberId('ops-host-13-cd', 'ops'));
  });

  it('keeps to the characters and length Kafka accepts', () => {
    const id = staticMemberId('chain1 host/1', `g:${'x'.repeat(300)}`);
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(id.length).toBe(249);
  });
});
