import type { Aggregate } from '../contract/aggregate';
import type { ChainReply } from '../contract/chain-reply';
import { FakeClock } from '../testing/fake-clock';
import { ScatterGatherAggregator, type GatherSpec } from './scatter-gather.aggregator';

const SERVICES = ['chain1', 'chain2', 'chain3'];

function ok(uid: string, service: string, result: unknown = { from: service }): ChainReply {
  return { uid, service, ok: true, result };
}

function fail(uid: string, service: string, code = 'OUT_OF_STOCK'): ChainReply {
  return { uid, service, ok: false, error: { code, message: `${service} failed` } };
}

function spec(overrides: Partial<GatherSpec> = {}): GatherSpec {
  return { uid: 'u1', services: SERVICES, completion: 'all', timeoutMs: 1000, ...overrides };
}

/** Records aggregates as they are formed, and whether a promise settled yet. */
function setup(clock = new FakeClock()) {
  const formed: Aggregate[] = [];
  const aggregator = new ScatterGatherAggregator({ clock, onAggregate: (a) => formed.push(a) });
  return { clock, aggregator, formed };
}

async function settled<T>(promise: Promise<T>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('ScatterGatherAggregator', () => {
  describe('completion "all"', () => {
    it('completes when every asked service replied ok, with per-service latency', async () => {
      const { clock, aggregator, formed } = setup();
      const { aggregate, joined } = aggregator.begin(spec());
      expect(joined).toBe(false);
      expect(aggregator.inFlight).toBe(1);
      expect(aggregator.isPending('u1')).toBe(true);

      clock.advance(4);
      expect(aggregator.offer(ok('u1', 'chain1'))).toBe('accepted');
      clock.advance(2);
      expect(aggregator.offer(ok('u1', 'chain3', [1, 2]))).toBe('accepted');
      expect(await settled(aggregate)).toBe(false);
      clock.advance(3);
      expect(aggregator.offer(ok('u1', 'chain2', null))).toBe('accepted');

      await expect(aggregate).resolves.toEqual({
        uid: 'u1',
        status: 'complete',
        results: {
          chain1: { status: 'ok', result: { from: 'chain1' }, latencyMs: 4 },
          chain2: { status: 'ok', result: null, latencyMs: 9 },
          chain3: { status: 'ok', result: [1, 2], latencyMs: 6 },
        },
        missing: [],
        elapsedMs: 9,
      });
      expect(formed).toHaveLength(1);
      expect(aggregator.inFlight).toBe(0);
      expect(aggregator.isPending('u1')).toBe(false);
      expect(clock.pendingTimers).toBe(0);
    });

    it('counts an error reply as answered: complete, with the error entry and nothing missing', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['chain1', 'chain2'] }));
      clock.advance(5);
      aggregator.offer(ok('u1', 'chain1'));
      clock.advance(1);
      aggregator.offer(fail('u1', 'chain2'));
      const result = await aggregate;
      expect(result.status).toBe('complete');
      expect(result.results['chain2']).toEqual({
        status: 'error',
        error: { code: 'OUT_OF_STOCK', message: 'chain2 failed' },
        latencyMs: 6,
      });
      expect(result.missing).toEqual([]);
    });

    it('at the deadline forms a partial aggregate: the unanswered are timeout and missing', async () => {
      const { clock, aggregator, formed } = setup();
      const { aggregate } = aggregator.begin(spec({ timeoutMs: 2000 }));
      clock.advance(10);
      aggregator.offer(ok('u1', 'chain1'));
      clock.advance(1989);
      expect(await settled(aggregate)).toBe(false);
      clock.advance(1);
      const result = await aggregate;
      expect(result).toEqual({
        uid: 'u1',
        status: 'partial',
        results: {
          chain1: { status: 'ok', result: { from: 'chain1' }, latencyMs: 10 },
          chain2: { status: 'timeout' },
          chain3: { status: 'timeout' },
        },
        missing: ['chain2', 'chain3'],
        elapsedMs: 2000,
      });
      expect(formed).toEqual([result]);
      expect(aggregator.inFlight).toBe(0);
    });

    it('counts the services that answered (ok or error) while it waits, and none once it is formed', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec());
      expect(aggregator.answered('u1')).toBe(0);
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(fail('u1', 'chain2'));
      aggregator.serviceLeft('chain3');
      await aggregate;
      expect(aggregator.answered('u1')).toBe(0);
      const second = aggregator.begin(spec({ uid: 'u2' }));
      aggregator.offer(ok('u2', 'chain1'));
      aggregator.offer(fail('u2', 'chain3'));
      expect(aggregator.answered('u2')).toBe(2);
      expect(aggregator.answered('unknown')).toBe(0);
      aggregator.abandon('u2');
      await second.aggregate;
    });

    it('lists results in the order the services were asked', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['zeta', 'alpha'] }));
      aggregator.offer(ok('u1', 'alpha'));
      aggregator.offer(ok('u1', 'zeta'));
      expect(Object.keys((await aggregate).results)).toEqual(['zeta', 'alpha']);
    });
  });

  describe('completion "any"', () => {
    it('completes on the first ok reply; the others are pending and missing', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 'any' }));
      aggregator.offer(fail('u1', 'chain1'));
      expect(await settled(aggregate)).toBe(false);
      clock.advance(7);
      aggregator.offer(ok('u1', 'chain2'));
      const result = await aggregate;
      expect(result.status).toBe('complete');
      expect(result.results).toEqual({
        chain1: { status: 'error', error: { code: 'OUT_OF_STOCK', message: 'chain1 failed' }, latencyMs: 0 },
        chain2: { status: 'ok', result: { from: 'chain2' }, latencyMs: 7 },
        chain3: { status: 'pending' },
      });
      expect(result.missing).toEqual(['chain3']);
      expect(result.elapsedMs).toBe(7);
      expect(clock.pendingTimers).toBe(0);
    });

    it('is partial as soon as every service replied with an error', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 'any' }));
      SERVICES.forEach((s) => aggregator.offer(fail('u1', s)));
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.missing).toEqual([]);
      expect(Object.values(result.results).map((r) => r.status)).toEqual(['error', 'error', 'error']);
      expect(result.elapsedMs).toBe(0);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('completion k', () => {
    it('completes with 2 of 3 ok replies', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 2 }));
      aggregator.offer(ok('u1', 'chain3'));
      expect(await settled(aggregate)).toBe(false);
      aggregator.offer(ok('u1', 'chain1'));
      const result = await aggregate;
      expect(result.status).toBe('complete');
      expect(result.results['chain2']).toEqual({ status: 'pending' });
      expect(result.missing).toEqual(['chain2']);
    });

    it('is partial early once k ok replies can no longer come', async () => {
      const { clock, aggregator, formed } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 2 }));
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(fail('u1', 'chain2'));
      expect(await settled(aggregate)).toBe(false);
      aggregator.offer(fail('u1', 'chain3'));
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.missing).toEqual([]);
      expect(clock.pendingTimers).toBe(0);
      clock.advance(5000);
      expect(formed).toHaveLength(1);
    });

    it('is partial early when two of three already failed (the third is pending)', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 2 }));
      aggregator.offer(fail('u1', 'chain1'));
      aggregator.offer(fail('u1', 'chain2'));
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.results['chain3']).toEqual({ status: 'pending' });
      expect(result.missing).toEqual(['chain3']);
    });

    it('is partial at once when k is larger than the services asked', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 4 }));
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.missing).toEqual(SERVICES);
      expect(aggregator.inFlight).toBe(0);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('replies it does not use', () => {
    it('drops a duplicate reply: first reply kept, aggregate unchanged, counted', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['chain1', 'chain2'] }));
      expect(aggregator.offer(ok('u1', 'chain1', 'first'))).toBe('accepted');
      expect(aggregator.offer(ok('u1', 'chain1', 'second'))).toBe('duplicate');
      expect(aggregator.offer(fail('u1', 'chain1'))).toBe('duplicate');
      expect(aggregator.dropped.duplicate).toBe(2);
      aggregator.offer(ok('u1', 'chain2'));
      const result = await aggregate;
      expect(result.results['chain1']).toEqual({ status: 'ok', result: 'first', latencyMs: 0 });
      expect(result.status).toBe('complete');
    });

    it('drops a reply that comes after the aggregate as late', async () => {
      const { aggregator, formed } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['chain1'] }));
      aggregator.offer(ok('u1', 'chain1'));
      const result = await aggregate;
      expect(aggregator.offer(ok('u1', 'chain1', 'again'))).toBe('late');
      expect(aggregator.offer(ok('u1', 'chain2'))).toBe('late');
      expect(aggregator.dropped).toEqual({ duplicate: 0, late: 2, unknown: 0, unasked: 0 });
      expect(formed).toEqual([result]);
      expect(result.results['chain1']).toEqual({ status: 'ok', result: { from: 'chain1' }, latencyMs: 0 });
    });

    it('drops a reply for a uid it never saw as unknown', () => {
      const { aggregator } = setup();
      expect(aggregator.offer(ok('nobody', 'chain1'))).toBe('unknown');
      expect(aggregator.dropped).toEqual({ duplicate: 0, late: 0, unknown: 1, unasked: 0 });
    });

    it('forgets the oldest finished uids beyond lateMemory (they become unknown)', async () => {
      const aggregator = new ScatterGatherAggregator({ clock: new FakeClock(), lateMemory: 1 });
      for (const uid of ['a', 'b']) {
        const { aggregate } = aggregator.begin(spec({ uid, services: ['chain1'] }));
        aggregator.offer(ok(uid, 'chain1'));
        await aggregate;
      }
      expect(aggregator.offer(ok('a', 'chain1'))).toBe('unknown');
      expect(aggregator.offer(ok('b', 'chain1'))).toBe('late');
    });

    it('drops a reply from a service that was not asked as unasked', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['chain1'] }));
      expect(aggregator.offer(ok('u1', 'chain9'))).toBe('unasked');
      expect(aggregator.dropped.unasked).toBe(1);
      expect(aggregator.isPending('u1')).toBe(true);
      aggregator.offer(ok('u1', 'chain1'));
      expect(Object.keys((await aggregate).results)).toEqual(['chain1']);
    });
  });

  describe('services that leave', () => {
    it('marks a waited-for service left and finishes partial with "all"', async () => {
      const { clock, aggregator, formed } = setup();
      const { aggregate } = aggregator.begin(spec());
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      clock.advance(30);
      aggregator.serviceLeft('chain3');
      const result = await aggregate;
      expect(result).toEqual({
        uid: 'u1',
        status: 'partial',
        results: {
          chain1: { status: 'ok', result: { from: 'chain1' }, latencyMs: 0 },
          chain2: { status: 'ok', result: { from: 'chain2' }, latencyMs: 0 },
          chain3: { status: 'left' },
        },
        missing: ['chain3'],
        elapsedMs: 30,
      });
      expect(clock.pendingTimers).toBe(0);
      expect(formed).toHaveLength(1);
    });

    it('keeps waiting for the others and marks the rest timeout at the deadline', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec());
      aggregator.serviceLeft('chain1');
      expect(await settled(aggregate)).toBe(false);
      clock.advance(1000);
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.results).toEqual({ chain1: { status: 'left' }, chain2: { status: 'timeout' }, chain3: { status: 'timeout' } });
      expect(result.missing).toEqual(SERVICES);
    });

    it('does not touch a service that already replied, nor requests that did not ask it', async () => {
      const { aggregator } = setup();
      const first = aggregator.begin(spec({ uid: 'u1', services: ['chain1', 'chain2'] }));
      const second = aggregator.begin(spec({ uid: 'u2', services: ['chain2'] }));
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.serviceLeft('chain1');
      expect(aggregator.inFlight).toBe(2);
      aggregator.offer(ok('u1', 'chain2'));
      aggregator.offer(ok('u2', 'chain2'));
      expect((await first.aggregate).status).toBe('complete');
      expect((await second.aggregate).status).toBe('complete');
    });

    it('with "any" a left service only ends the request when no ok can come', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 'any', services: ['chain1', 'chain2'] }));
      aggregator.serviceLeft('chain1');
      expect(await settled(aggregate)).toBe(false);
      aggregator.serviceLeft('chain2');
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.missing).toEqual(['chain1', 'chain2']);
    });

    it('with "any" completes when another service answers ok after one left', async () => {
      const { aggregator } = setup();
      const { aggregate } = aggregator.begin(spec({ completion: 'any', services: ['chain1', 'chain2'] }));
      aggregator.serviceLeft('chain1');
      aggregator.offer(ok('u1', 'chain2'));
      const result = await aggregate;
      expect(result.status).toBe('complete');
      expect(result.results['chain1']).toEqual({ status: 'left' });
    });
  });

  describe('begin', () => {
    it('joins a gather already running for the uid: same promise, one aggregate', async () => {
      const { aggregator, formed } = setup();
      const first = aggregator.begin(spec());
      const second = aggregator.begin(spec({ services: ['other'], timeoutMs: 5 }));
      expect(second.joined).toBe(true);
      expect(second.aggregate).toBe(first.aggregate);
      expect(aggregator.inFlight).toBe(1);
      SERVICES.forEach((s) => aggregator.offer(ok('u1', s)));
      const result = await second.aggregate;
      expect(Object.keys(result.results)).toEqual(SERVICES);
      expect(formed).toHaveLength(1);
    });

    it('starts afresh for a uid whose aggregate already went out', async () => {
      const { aggregator, formed } = setup();
      const first = aggregator.begin(spec({ services: ['chain1'] }));
      aggregator.offer(ok('u1', 'chain1'));
      await first.aggregate;
      const again = aggregator.begin(spec({ services: ['chain1'] }));
      expect(again.joined).toBe(false);
      expect(aggregator.offer(ok('u1', 'chain1'))).toBe('accepted');
      await again.aggregate;
      expect(formed).toHaveLength(2);
    });
  });

  describe('abandon', () => {
    it('ends the gather at once with what is known and forgets the uid', async () => {
      const { clock, aggregator } = setup();
      const { aggregate } = aggregator.begin(spec());
      aggregator.offer(ok('u1', 'chain1'));
      expect(aggregator.abandon('u1')).toBe(true);
      const result = await aggregate;
      expect(result.status).toBe('partial');
      expect(result.results).toEqual({
        chain1: { status: 'ok', result: { from: 'chain1' }, latencyMs: 0 },
        chain2: { status: 'pending' },
        chain3: { status: 'pending' },
      });
      expect(aggregator.inFlight).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      expect(aggregator.abandon('u1')).toBe(false);
      expect(aggregator.offer(ok('u1', 'chain2'))).toBe('late');
    });

    it('returns false for a uid that is not pending', () => {
      const { aggregator } = setup();
      expect(aggregator.abandon('nobody')).toBe(false);
    });
  });

  describe('whenIdle and inFlight', () => {
    it('resolves at once when nothing is pending', async () => {
      const { aggregator } = setup();
      await expect(aggregator.whenIdle()).resolves.toBeUndefined();
    });

    it('resolves only once the last pending request finished', async () => {
      const { clock, aggregator } = setup();
      aggregator.begin(spec({ uid: 'a', timeoutMs: 100 }));
      aggregator.begin(spec({ uid: 'b', timeoutMs: 200, services: ['chain1'] }));
      expect(aggregator.inFlight).toBe(2);
      const idle = aggregator.whenIdle();
      clock.advance(100);
      expect(aggregator.inFlight).toBe(1);
      expect(await settled(idle)).toBe(false);
      aggregator.offer(ok('b', 'chain1'));
      expect(aggregator.inFlight).toBe(0);
      expect(await settled(idle)).toBe(true);
    });
  });

  describe('exactly one aggregate', () => {
    it('calls onAggregate once per request whatever ends it', async () => {
      const { clock, aggregator, formed } = setup();
      aggregator.begin(spec({ uid: 'done', services: ['chain1'] }));
      aggregator.begin(spec({ uid: 'deadline', services: ['chain2'] }));
      aggregator.begin(spec({ uid: 'left', services: ['chain3'] }));
      aggregator.begin(spec({ uid: 'abandoned', services: ['chain1'] }));
      aggregator.offer(ok('done', 'chain1'));
      aggregator.abandon('abandoned');
      aggregator.serviceLeft('chain3');
      clock.advance(5000);
      aggregator.offer(ok('deadline', 'chain2'));
      aggregator.offer(ok('done', 'chain1'));
      aggregator.serviceLeft('chain3');
      aggregator.abandon('abandoned');
      clock.advance(5000);
      expect(formed.map((a) => a.uid).sort()).toEqual(['abandoned', 'deadline', 'done', 'left']);
      expect(aggregator.inFlight).toBe(0);
    });

    it('still resolves the aggregate when the onAggregate hook throws', async () => {
      const clock = new FakeClock();
      const aggregator = new ScatterGatherAggregator({
        clock,
        onAggregate: () => {
          throw new Error('metrics broke');
        },
      });
      const { aggregate } = aggregator.begin(spec({ services: ['chain1'] }));
      try {
        aggregator.offer(ok('u1', 'chain1'));
      } catch {
        // whether the hook's error surfaces here is not the point; the waiter must get its answer
      }
      expect(await settled(aggregate)).toBe(true);
      expect(aggregator.inFlight).toBe(0);
    });

    it('clears the deadline timer when the rule is met first', async () => {
      const { clock, aggregator, formed } = setup();
      const { aggregate } = aggregator.begin(spec({ services: ['chain1'] }));
      expect(clock.pendingTimers).toBe(1);
      aggregator.offer(ok('u1', 'chain1'));
      expect(clock.pendingTimers).toBe(0);
      clock.advance(10_000);
      expect(formed).toHaveLength(1);
      expect((await aggregate).status).toBe('complete');
    });

    it('ignores a deadline that fires after completion even if the clock could not cancel it', async () => {
      class LeakyClock extends FakeClock {
        override clearTimeout(): void {
          // this clock cannot cancel: the deadline callback still runs
        }
      }
      const { clock, aggregator, formed } = setup(new LeakyClock());
      const { aggregate } = aggregator.begin(spec({ services: ['chain1'] }));
      aggregator.offer(ok('u1', 'chain1'));
      clock.advance(10_000);
      expect(formed).toHaveLength(1);
      expect((await aggregate).status).toBe('complete');
    });

    it("keeps a new gather of the same uid safe from the old one's stale deadline", async () => {
      class LeakyClock extends FakeClock {
        // Forgets to cancel, so the old deadline still fires: the aggregator must ignore it.
        override clearTimeout(): void {
          return undefined;
        }
      }
      const { clock, aggregator } = setup(new LeakyClock());
      aggregator.begin(spec({ services: ['chain1'], timeoutMs: 100 }));
      aggregator.offer(ok('u1', 'chain1'));
      const again = aggregator.begin(spec({ services: ['chain1'], timeoutMs: 1000 }));
      clock.advance(100);
      expect(aggregator.isPending('u1')).toBe(true);
      clock.advance(900);
      expect((await again.aggregate).status).toBe('partial');
    });
  });
});
