import { LoopDelayProbe } from './loop-delay';

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* the loop is busy */
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopDelayProbe', () => {
  let probe: LoopDelayProbe | undefined;
  afterEach(() => probe?.stop());

  it('reads a busy loop as delayed and a free one as not, one period at a time', async () => {
    probe = new LoopDelayProbe({ intervalMs: 2, percentile: 1 });
    await wait(20);
    probe.take();
    // Blocked for 60 ms: the tick that was due runs about 60 ms late.
    block(60);
    await wait(5);
    expect(probe.take()).toBeGreaterThanOrEqual(40);
    // The next period starts afresh (a generous bound: the machine may be busy with other work).
    await wait(30);
    expect(probe.take()).toBeLessThan(40);
  });

  it('counts a stall still under way: a loop whose tick has not run yet is not quiet', () => {
    probe = new LoopDelayProbe({ intervalMs: 2 });
    block(50);
    expect(probe.take()).toBeGreaterThanOrEqual(40);
  });

  it('refuses settings out of range', () => {
    expect(() => new LoopDelayProbe({ intervalMs: 0 })).toThrow(RangeError);
    expect(() => new LoopDelayProbe({ percentile: 1.5 })).toThrow(RangeError);
  });
});
