import { CrowdCollector } from './crowd-collector';
import { SliceRecorder } from './recovery';

describe('CrowdCollector', () => {
  it('counts complete, partial, shed, errors and no answers of requests intended in the window', () => {
    const c = new CrowdCollector(1000, 2000, 10_000);
    c.sent(900, 900); // warm-up: not measured
    c.complete(900, 1010, { kind: 'complete', elapsedMs: 5 });
    for (const t of [1000, 1100, 1200, 1300, 1400, 1500]) c.sent(t, t + (t === 1500 ? 30 : 0));
    c.complete(1000, 1020, { kind: 'complete', elapsedMs: 8 });
    c.complete(1100, 1150, { kind: 'partial', elapsedMs: 45 });
    c.complete(1200, 1202, { kind: 'shed', detail: 'http 503 OVERLOADED' });
    c.complete(1300, 1301, { kind: 'error', detail: 'ECONNRESET' });
    c.complete(1400, 11_400, { kind: 'timeout', detail: 'no answer in time' });
    expect(c.pending).toBe(1);
    const s = c.finish();
    expect(s).toMatchObject({ windowS: 1, sent: 6, complete: 1, partial: 1, shed: 1, errors: 1, noAnswer: 2 });
    expect(s.kinds).toEqual({ 'http 503 OVERLOADED': 1, ECONNRESET: 1, timeout: 1, missing: 1 });
    expect(s.latencyMs).toMatchObject({ count: 2, min: 20, max: 50 });
    expect(s.shedLatencyMs).toMatchObject({ count: 1, p99: 2 });
    expect(s.waitBeforeOpsMs).toMatchObject({ count: 2, min: 5, max: 12 });
    expect(s.sendLagMs).toMatchObject({ count: 6, min: 0, max: 30 });
  });

  it('counts any answer later than the timeout as no answer, a 503 or an error too', () => {
    const c = new CrowdCollector(0, 1000, 100);
    c.sent(0, 0);
    c.complete(0, 150, { kind: 'shed', detail: 'http 503 OVERLOADED' });
    c.sent(1, 1);
    c.complete(1, 200, { kind: 'error', detail: 'ECONNRESET' });
    c.sent(2, 2);
    c.complete(2, 50, { kind: 'shed', detail: 'http 503 OVERLOADED' });
    const s = c.finish();
    expect(s).toMatchObject({ shed: 1, errors: 0, noAnswer: 2, kinds: { late: 2, 'http 503 OVERLOADED': 1 } });
    expect(s.shedLatencyMs.max).toBe(48);
  });

  it('measures goodput (complete) and admitted throughput by answers received inside the window', () => {
    const c = new CrowdCollector(0, 2000, 10_000);
    c.sent(-5, -5);
    c.complete(-5, 10, { kind: 'complete' }); // warm-up request, answered in the window: counts
    c.sent(100, 100);
    c.complete(100, 120, { kind: 'partial' });
    c.sent(1990, 1990);
    c.complete(1990, 2010, { kind: 'complete' }); // answered after the window: latency yes, throughput no
    const s = c.finish();
    expect(s.goodputRps).toBe(0.5);
    expect(s.admittedRps).toBe(1);
    expect(s.waitBeforeOpsMs.count).toBe(0);
  });

  it('counts an aggregate later than the timeout as no answer, and feeds the slices', () => {
    const slices = new SliceRecorder(0, 500, 2);
    const c = new CrowdCollector(0, 1000, 100, slices);
    c.sent(0, 0);
    c.complete(0, 101, { kind: 'complete', elapsedMs: 1 });
    c.sent(600, 600);
    c.complete(600, 610, { kind: 'complete' });
    const s = c.finish();
    expect(s).toMatchObject({ complete: 1, noAnswer: 1, kinds: { late: 1 } });
    expect(s.admittedRps).toBe(1);
    expect(slices.p99s()).toEqual([100, 10]);
  });
});
