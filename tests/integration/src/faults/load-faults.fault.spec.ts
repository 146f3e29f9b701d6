import type { HandMadeChain } from '../support/hand-made-chain';
import { randomSuffix } from '../support/infra';
import { assertInvariants, baseline, type Baseline } from '../support/invariants';
import { Ledger } from '../support/ledger';
import { metric } from '../support/ops-metrics';
import { answerOf, collectTopic, plainKafka } from '../support/plain-kafka';
import { ORDER, System } from '../support/system';
import { waitFor } from '../support/wait-for';

const CAP = 50;

/** Overload and shutdown of ops (scenarios 10 and 11a). */
describe('fault scenarios: load and shutdown', () => {
  const system = new System({ env: { OPS_MAX_IN_FLIGHT: String(CAP), LEASE_TTL_SECONDS: '3', SHUTDOWN_GRACE_MS: '15000' } });
  let slow: HandMadeChain;
  let ledger: Ledger;
  let before: Baseline;

  beforeAll(async () => {
    await system.start();
    slow = await system.startHandMadeChain(`slow-${randomSuffix()}`, { delayMs: 300 });
  }, 120_000);
  afterAll(() => system.stop());
  beforeEach(async () => {
    ledger = new Ledger();
    before = await baseline(system);
  });
  afterEach(() => assertInvariants(system, ledger, before, { marginMs: 3000 }));

  /** Samples ops' in-flight gauge every 50 ms until stopped; returns the highest value seen. */
  function sampleInFlight(): { stop: () => Promise<number> } {
    let highest = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        highest = Math.max(highest, await metric(system.opsUrl, 'ops_requests_in_flight').catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return highest;
      },
    };
  }

  it('10: a flood at ten times capacity over HTTP → the excess refused at once with 503, the rest answered, in flight capped', async () => {
    const sampler = sampleInFlight();
    const floods = Array.from({ length: CAP * 10 }, async (_, i) => {
      const uid = `flood-${randomSuffix()}-${i}`;
      ledger.sent(uid, 2000);
      const started = Date.now();
      const { status, body } = await system.request({ uid, payload: ORDER, timeoutMs: 2000, services: [slow.name] });
      // A request shed at the door (503 OVERLOADED before its body was read) is refused, with no uid.
      if (status === 503 && body.uid === undefined) ledger.refused(uid);
      ledger.answered(uid, status, body);
      // A request shed at the door gets {error} only (its body, and uid, were never read).
      return { status, code: body.error?.code ?? body.status, ms: Date.now() - started };
    });
    const results = await Promise.all(floods);
    const highest = await sampler.stop();

    const refused = results.filter((r) => r.status === 503);
    const served = results.filter((r) => r.status === 200);
    expect(refused.length + served.length).toBe(CAP * 10);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(CAP);
    expect(new Set(refused.map((r) => r.code))).toEqual(new Set(['OVERLOADED']));
    expect(new Set(served.map((r) => r.code))).toEqual(new Set(['complete']));
    expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(Math.min(...served.map((r) => r.ms)) + 2000);
    expect(highest).toBeLessThanOrEqual(CAP);
  });

  it('10: a flood at ten times capacity on ops.req → consumption pauses instead of dropping: every request answered once, complete or, once its time ran out while it waited, DEADLINE_EXPIRED', async () => {
    const replyTo = `${system.topics.opsAgg}.flood-${randomSuffix()}`;
    const collector = await collectTopic(replyTo, (m) => m.key?.toString(), answerOf);
    const answers = collector.seen;
    try {
      const sampler = sampleInFlight();
      const uids = Array.from({ length: CAP * 10 }, (_, i) => `kflood-${randomSuffix()}-${i}`);
      const producer = plainKafka.producer();
      await producer.connect();
      await producer.send({
        topic: system.topics.opsReq,
        messages: uids.map((uid) => ({
          key: uid,
          value: JSON.stringify({ uid, payload: ORDER, timeoutMs: 2000, services: [slow.name] }),
          headers: { 'reply-to': replyTo },
        })),
      });
      await producer.disconnect();
      await waitFor('every flooded request answered', () => uids.every((uid) => answers.has(uid)), 60_000, 250);
      const highest = await sampler.stop();
      expect(uids.filter((uid) => answers.get(uid)?.length !== 1)).toEqual([]);
      // 500 requests of 2 s each through 50 places of 300 ms: those still waiting when their 2 s,
      // counted from their record's timestamp, ran out are answered DEADLINE_EXPIRED, no chain asked.
      const outcomes = uids.map((uid) => {
        const answer = answers.get(uid)?.[0];
        return answer?.status === 'error' ? answer.error.code : answer?.status;
      });
      // partial: admitted with less time left than the slow chain's 300 ms.
      expect([...new Set(outcomes)].every((o) => o === 'complete' || o === 'DEADLINE_EXPIRED' || o === 'partial')).toBe(true);
      expect(outcomes.filter((o) => o === 'complete').length).toBeGreaterThanOrEqual(2 * CAP);
      expect(highest).toBeLessThanOrEqual(CAP);
    } finally {
      await collector.stop();
    }
  });
});

describe('fault scenarios: shutdown of ops', () => {
  const system = new System({ env: { LEASE_TTL_SECONDS: '3', SHUTDOWN_GRACE_MS: '15000' } });
  let slow: HandMadeChain;

  beforeAll(async () => {
    await system.start();
    slow = await system.startHandMadeChain(`slow-${randomSuffix()}`, { delayMs: 1500 });
  }, 120_000);
  afterAll(() => system.stop());

  it('11a: SIGTERM to ops with 100 requests in flight → none new accepted, all 100 answered, exit 0 within the grace period', async () => {
    const ledger = new Ledger();
    const held = Array.from({ length: 100 }, async (_, i) => {
      const uid = `term-${randomSuffix()}-${i}`;
      ledger.sent(uid, 5000);
      const { status, body } = await system.request({ uid, payload: ORDER, timeoutMs: 5000, services: [slow.name] });
      ledger.answered(uid, status, body);
      return status;
    });
    await waitFor('100 requests in flight', async () => (await metric(system.opsUrl, 'ops_requests_in_flight')) === 100, 10_000, 20);
    const ops = system.ops;
    const signalledAt = Date.now();
    ops.signal('SIGTERM');
    await waitFor('ops to stop accepting', () => ops.find((l) => l.msg === 'shutting down'), 5000, 10);

    const late = await system
      .request({ payload: ORDER, timeoutMs: 5000, services: [slow.name] })
      .catch((error: Error) => ({ status: 0, body: { error: { code: error.message } } }));
    expect(late.status === 503 || late.status === 0).toBe(true); // refused, or the port already closed

    const statuses = await Promise.all(held);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(ledger.violations(1500)).toEqual([]);
    expect(ledger.outcomes()).toEqual({ complete: 100 });
    expect(await ops.exited(20_000)).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(ops.find((l) => l.msg === 'unhandled rejection' || l.msg === 'uncaught exception')).toBeUndefined();

    // I6: a new ops instance serves again.
    await system.startOps();
    const { body } = await system.aggregate({ payload: ORDER, services: ['chain1', 'chain2', 'chain3'] });
    expect(body.status).toBe('complete');
  });
});
