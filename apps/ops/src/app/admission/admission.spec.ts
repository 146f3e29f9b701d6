import { FakeClock } from '@gateway/messaging/testing';
import { Admission, FixedLimit, type ConcurrencyLimit } from './admission';
import type { LimitWindow } from './gradient-limit';

/** A limit that records the windows it is fed and can be moved by hand. */
class RecordingLimit implements ConcurrencyLimit {
  readonly windows: LimitWindow[] = [];
  constructor(public limit: number) {}
  update(window: LimitWindow): number {
    this.windows.push(window);
    return this.limit;
  }
}

async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('Admission', () => {
  it('grants permits up to the limit and refuses beyond it at once', () => {
    const admission = new Admission({ limit: new FixedLimit(2), clock: new FakeClock() });
    const a = admission.tryAcquire();
    const b = admission.tryAcquire();
    expect(a && b).toBeDefined();
    expect(admission.tryAcquire()).toBeUndefined();
    a?.release('ignored');
    expect(admission.tryAcquire()).toBeDefined();
  });

  it('a permit released twice frees one place only', () => {
    const admission = new Admission({ limit: new FixedLimit(2), clock: new FakeClock() });
    const a = admission.tryAcquire();
    admission.tryAcquire();
    a?.release('ignored');
    a?.release('ignored');
    expect(admission.inFlight).toBe(1);
  });

  it('hands a freed place to the first waiter, first come first served', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ limit: new FixedLimit(1), clock });
    const held = admission.tryAcquire();
    const first = admission.acquire(clock.now() + 1000);
    const second = admission.acquire(clock.now() + 1000);
    expect(admission.waiting).toBe(2);
    expect(admission.tryAcquire()).toBeUndefined();
    held?.release('ignored');
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(false);
    expect(admission.inFlight).toBe(1);
    (await first)?.release('ignored');
    expect(await second).toBeDefined();
  });

  it('waiters leave a reserve of the limit to requests that cannot wait', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ limit: new FixedLimit(20), clock, reservedForImmediate: 0.1 });
    const waited = await Promise.all(Array.from({ length: 18 }, () => admission.acquire(clock.now() + 1000)));
    expect(waited.every((p) => p !== undefined)).toBe(true);
    const queued = admission.acquire(clock.now() + 1000);
    expect(admission.waiting).toBe(1);
    expect(admission.tryAcquire()).toBeDefined();
    expect(admission.tryAcquire()).toBeDefined();
    expect(admission.tryAcquire()).toBeUndefined();
    waited[0]?.release('ignored');
    waited[1]?.release('ignored');
    expect(await settled(queued)).toBe(false); // 18 out: the waiters' share is used up
    waited[2]?.release('ignored');
    expect(await queued).toBeDefined();
  });

  it('a waiter whose time passes gets no permit and leaves the queue', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ limit: new FixedLimit(1), clock });
    admission.tryAcquire();
    const waiting = admission.acquire(clock.now() + 50);
    clock.advance(50);
    expect(await waiting).toBeUndefined();
    expect(admission.waiting).toBe(0);
  });

  it('close refuses every permit and wakes the waiters empty-handed', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ limit: new FixedLimit(1), clock });
    const held = admission.tryAcquire();
    const waiting = admission.acquire(clock.now() + 60_000);
    admission.close();
    expect(await waiting).toBeUndefined();
    held?.release('ignored');
    expect(admission.tryAcquire()).toBeUndefined();
    expect(await admission.acquire(clock.now() + 1000)).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('feeds the limit one window at a time: the percentile of measured latencies and the peak in flight', () => {
    const clock = new FakeClock();
    const limit = new RecordingLimit(100);
    const admission = new Admission({ limit, clock, windowMs: 100, minSamples: 10, percentile: 0.9 });
    const permits = Array.from({ length: 20 }, () => admission.tryAcquire());
    permits.forEach((permit, i) => {
      clock.advance(i === 0 ? 1 : 0);
      if (i < 10) permit?.release('ignored');
    });
    clock.advance(99);
    // Ten measured latencies of 100 ms each, the tenth closes the window (100 ms, 10 samples).
    for (const permit of permits.slice(10)) permit?.release('measured');
    expect(limit.windows).toEqual([{ latencyMs: 100, maxInFlight: 20 }]);
  });

  it('keeps a window open until it holds enough latencies; ignored releases are not latencies', () => {
    const clock = new FakeClock();
    const limit = new RecordingLimit(100);
    const admission = new Admission({ limit, clock, windowMs: 100, minSamples: 3 });
    for (let i = 0; i < 5; i++) admission.tryAcquire()?.release('ignored');
    clock.advance(500);
    admission.tryAcquire()?.release('measured');
    admission.tryAcquire()?.release('measured');
    expect(limit.windows).toHaveLength(0);
    admission.tryAcquire()?.release('measured');
    expect(limit.windows).toHaveLength(1);
  });

  it('wakes waiters when a window raises the limit', async () => {
    const clock = new FakeClock();
    const limit = new RecordingLimit(1);
    const admission = new Admission({ limit, clock, windowMs: 1, minSamples: 1 });
    const held = admission.tryAcquire();
    const waiting = admission.acquire(clock.now() + 1000);
    limit.limit = 3;
    clock.advance(5);
    held?.release('measured');
    expect(await waiting).toBeDefined();
  });
});
