import { ORDER, System } from '../support/system';

/** How chains leaving (cleanly or not) shows in the answers; leases are short to keep it quick. */
describe('chains that leave: SIGTERM deregisters at once, SIGKILL waits for the lease', () => {
  const system = new System({ env: { LEASE_TTL_SECONDS: '3' } });

  beforeAll(() => system.start(), 120_000);
  afterAll(() => system.stop());

  it('after chain2 stops on SIGTERM, requests ask only chain1 and chain3 and are complete', async () => {
    const chain2 = system.chains.get('chain2');
    chain2?.signal('SIGTERM');
    expect(await chain2?.exited()).toEqual({ code: 0, signal: null });
    expect(chain2?.find((l) => l.msg === 'deregistered')).toBeDefined();

    await system.waitForServices(['chain1', 'chain3'], 2000);
    const { status, body } = await system.aggregate({ payload: ORDER, timeoutMs: 2000 });
    expect(status).toBe(200);
    expect(body.status).toBe('complete');
    expect(Object.keys(body.results).sort()).toEqual(['chain1', 'chain3']);
  });

  it('after chain2 is killed with SIGKILL, requests are partial (chain2 timeout) until its lease runs out, then complete without it', async () => {
    await system.startChain('chain2');
    await system.waitForServices(['chain1', 'chain2', 'chain3']);
    const ready = await system.aggregate({ payload: ORDER, timeoutMs: 3000 });
    expect(ready.body.status).toBe('complete');

    const chain2 = system.chains.get('chain2');
    chain2?.signal('SIGKILL');
    expect((await chain2?.exited())?.signal).toBe('SIGKILL');

    const during = await system.aggregate({ payload: ORDER, timeoutMs: 1000 });
    expect(during.status).toBe(200);
    expect(during.body.status).toBe('partial');
    expect(during.body.results['chain2']).toEqual({ status: expect.stringMatching(/^(timeout|left)$/) });
    expect(during.body.missing).toEqual(['chain2']);
    expect(during.body.results['chain1']).toMatchObject({ status: 'ok' });

    await system.waitForServices(['chain1', 'chain3'], 15_000);
    const after = await system.aggregate({ payload: ORDER, timeoutMs: 2000 });
    expect(after.body.status).toBe('complete');
    expect(Object.keys(after.body.results).sort()).toEqual(['chain1', 'chain3']);
  });
});
