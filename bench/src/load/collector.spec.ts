import { StepCollector } from './collector';

describe('StepCollector', () => {
  it('measures from the intended time and only requests intended inside the window', () => {
    const c = new StepCollector(1000, 2000);
    c.sent(900); // warm-up
    c.complete(900, 1005, { kind: 'ok' });
    c.sent(1000);
    c.complete(1000, 1012, { kind: 'ok' });
    c.sent(1500);
    c.complete(1500, 1600, { kind: 'partial', detail: 'http 504' });
    const s = c.finish();
    expect(s).toMatchObject({ windowS: 1, sent: 2, ok: 1, partial: 1, errors: 0, missing: 0 });
    expect(s.latencyMs.count).toBe(2);
    expect(s.latencyMs.min).toBe(12);
    expect(s.latencyMs.max).toBe(100);
  });

  it('counts throughput by answers received inside the window (warm-up answers included)', () => {
    const c = new StepCollector(0, 2000);
    c.sent(-10);
    c.complete(-10, 5, { kind: 'ok' });
    c.sent(1990);
    c.complete(1990, 2100, { kind: 'ok' }); // after the window: latency yes, throughput no
    expect(c.finish().achievedRps).toBe(0.5);
  });

  it('counts errors by kind and unanswered requests as missing', () => {
    const c = new StepCollector(0, 1000);
    c.sent(1);
    c.complete(1, 2, { kind: 'error', detail: 'http 503 AT_CAPACITY' });
    c.sent(2);
    c.sent(3);
    expect(c.pending).toBe(2);
    const s = c.finish(4);
    expect(s).toMatchObject({ errors: 3, missing: 2, unmatched: 4, achievedRps: 0 });
    expect(s.errorKinds).toEqual({ 'http 503 AT_CAPACITY': 1, missing: 2 });
    expect(s.latencyMs.count).toBe(0);
  });
});
