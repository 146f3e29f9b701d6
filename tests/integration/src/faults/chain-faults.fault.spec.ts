import { ChainService, createLogger, readChainConfig, type ChainHandler } from '@gateway/chain';
import { randomSuffix } from '../support/infra';
import { assertInvariants, baseline, type Baseline } from '../support/invariants';
import { Ledger } from '../support/ledger';
import { sendMany } from '../support/load';
import { ORDER, System } from '../support/system';
import { waitFor } from '../support/wait-for';

/** Chain processes that die, freeze, throw, hang or are told to stop (scenarios 1, 2, 6, 11b). */
describe('fault scenarios: chains', () => {
  const system = new System({ env: { LEASE_TTL_SECONDS: '3' } });
  let ledger: Ledger;
  let before: Baseline;

  beforeAll(() => system.start(), 120_000);
  afterAll(() => system.stop());
  beforeEach(async () => {
    ledger = new Ledger();
    before = await baseline(system);
  });
  afterEach(() => assertInvariants(system, ledger, before));

  /** Sends one request through the ledger and returns its answer. */
  async function ask(body: Record<string, unknown>): Promise<Awaited<ReturnType<System['aggregate']>>> {
    const uid = `f-${randomSuffix()}`;
    ledger.sent(uid, Number(body['timeoutMs'] ?? 3000));
    const answer = await system.aggregate({ uid, ...body });
    ledger.answered(uid, answer.status, answer.body);
    return answer;
  }

  it('1: a chain killed with SIGKILL after it took a request → partial at the deadline naming it; no longer asked once its lease runs out', async () => {
    const chain2 = system.chains.get('chain2');
    chain2?.signal('SIGSTOP'); // it holds the request it is sent but cannot answer it …
    const pending = ask({ payload: ORDER, timeoutMs: 1500 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    chain2?.signal('SIGKILL'); // … and dies with it
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body.status).toBe('partial');
    expect(body.missing).toEqual(['chain2']);
    expect(['timeout', 'left']).toContain(body.results['chain2']?.status);
    expect(body.elapsedMs).toBeLessThan(1500 + 500);

    await system.waitForServices(['chain1', 'chain3'], 15_000);
    const after = await ask({ payload: ORDER, timeoutMs: 2000 });
    expect(after.body.status).toBe('complete');
    expect(Object.keys(after.body.results).sort()).toEqual(['chain1', 'chain3']);

    // I6: a new chain2 comes back and is asked again; the request the dead one held is redelivered to it, expired, and skipped.
    await system.startChain('chain2');
    await system.waitForServices(['chain1', 'chain2', 'chain3']);
    const healed = await ask({ payload: ORDER, timeoutMs: 3000 });
    expect(healed.body.status).toBe('complete');
    expect(Object.keys(healed.body.results)).toHaveLength(3);
  });

  it('2: a chain paused (SIGSTOP) longer than its lease TTL → left or timeout meanwhile; after SIGCONT it registers under a new lease and is asked again', async () => {
    const chain3 = system.chains.get('chain3');
    chain3?.signal('SIGSTOP');
    const meanwhile = await ask({ payload: ORDER, timeoutMs: 1000 });
    expect(meanwhile.body.status).toBe('partial');
    expect(['timeout', 'left']).toContain(meanwhile.body.results['chain3']?.status);
    await system.waitForServices(['chain1', 'chain2'], 15_000); // its lease ran out

    chain3?.signal('SIGCONT');
    await system.waitForServices(['chain1', 'chain2', 'chain3'], 20_000);
    expect(chain3?.logs.filter((l) => l.msg === 'registered').length).toBeGreaterThanOrEqual(2);
    const again = await waitFor(
      'chain3 to answer again',
      async () => {
        const answer = await ask({ payload: ORDER, timeoutMs: 3000 });
        return answer.body.status === 'complete' && Object.keys(answer.body.results).length === 3 ? answer : undefined;
      },
      20_000,
      250,
    );
    expect(again.body.results['chain3']).toMatchObject({ status: 'ok' });
  });

  describe('6: chain handlers that throw or hang (in-process ChainService)', () => {
    const services: ChainService[] = [];

    async function chain(name: string, handler: ChainHandler, env: Record<string, string> = {}): Promise<ChainService> {
      const config = readChainConfig({ ...system.env, ...env });
      const service = new ChainService({ name, handler, config, logger: createLogger(name, 'warn') });
      services.push(service);
      await service.start();
      return service;
    }

    afterAll(() => Promise.all(services.map((s) => s.close())));

    it('a handler that throws → an error reply at once, not a timeout', async () => {
      const name = `thrower-${randomSuffix()}`;
      await chain(name, () => {
        throw new Error('boom');
      });
      await system.waitForServices(['chain1', 'chain2', 'chain3', name]);
      const { body } = await ask({ payload: ORDER, timeoutMs: 5000, services: [name] });
      expect(body.status).toBe('complete');
      expect(body.results[name]).toMatchObject({ status: 'error', error: { code: 'HANDLER_ERROR', message: 'boom' } });
      expect(body.elapsedMs).toBeLessThan(1000);
      await services.pop()?.close();
    });

    it('a handler that hangs → its own time limit sends an error reply before the deadline', async () => {
      const name = `hanger-${randomSuffix()}`;
      await chain(name, () => new Promise(() => undefined), { HANDLER_TIMEOUT_MS: '300' });
      await system.waitForServices(['chain1', 'chain2', 'chain3', name]);
      const limited = await ask({ payload: ORDER, timeoutMs: 5000, services: [name] });
      expect(limited.body.status).toBe('complete');
      expect(limited.body.results[name]).toMatchObject({ status: 'error', error: { code: 'HANDLER_TIMEOUT' } });
      expect(limited.body.elapsedMs).toBeLessThan(2000);

      // With a handler limit longer than the request, the deadline cuts it: the error still arrives in time.
      const cut = await ask({ payload: ORDER, timeoutMs: 800, services: [name] });
      expect(cut.body.results[name]).toMatchObject({ status: 'error', error: { code: 'HANDLER_TIMEOUT' } });
      expect(cut.body.status).toBe('complete');
      expect(cut.body.elapsedMs).toBeLessThan(800);
      await services.pop()?.close();
    });

    it('11b: close() (the SIGTERM path) finishes what the chain holds, then deregisters: ops stops asking at once', async () => {
      const name = `slow-${randomSuffix()}`;
      const service = await chain(name, async () => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return { slow: true };
      });
      await system.waitForServices(['chain1', 'chain2', 'chain3', name]);
      const held = ask({ payload: ORDER, timeoutMs: 5000, services: [name] });
      await waitFor(
        'the slow chain to hold the request',
        () => service.metrics.inFlight.get().then((m) => (m.values[0]?.value ?? 0) > 0),
        5000,
        20,
      );
      await service.close();
      const { body } = await held;
      expect(body.results[name]).toMatchObject({ status: 'ok', result: { slow: true } });
      await system.waitForServices(['chain1', 'chain2', 'chain3'], 1000);
    });
  });

  it('11b: SIGTERM to a chain process → exit 0, deregistered, later requests do not ask it (no timeout)', async () => {
    const chain1 = system.chains.get('chain1');
    chain1?.signal('SIGTERM');
    expect(await chain1?.exited()).toEqual({ code: 0, signal: null });
    await system.waitForServices(['chain2', 'chain3'], 1000);
    const { body } = await ask({ payload: ORDER, timeoutMs: 2000 });
    expect(body.status).toBe('complete');
    expect(body.elapsedMs).toBeLessThan(1000);
    await system.startChain('chain1');
    await system.waitForServices(['chain1', 'chain2', 'chain3']);
  });

  it('I6 after all chain faults: a burst of requests all complete', async () => {
    await sendMany(system, ledger, 60, { timeoutMs: 3000, concurrency: 6 });
    expect(ledger.outcomes()).toEqual({ complete: 60 });
  });
});
