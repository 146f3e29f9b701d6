import { GRADIENT_DEFAULTS, GradientLimit, type GradientLimitOptions } from './gradient-limit';

function limit(overrides: Partial<GradientLimitOptions> = {}): GradientLimit {
  return new GradientLimit({
    ...GRADIENT_DEFAULTS,
    initialLimit: 100,
    minLimit: 10,
    maxLimit: 1000,
    tolerance: 2,
    smoothing: 1,
    ...overrides,
  });
}

describe('GradientLimit', () => {
  it('grows by about √limit while latency stays near its no-load value and the limit is in use', () => {
    const l = limit();
    l.update({ latencyMs: 10, maxInFlight: 100 });
    expect(l.limit).toBe(110);
    l.update({ latencyMs: 11, maxInFlight: 110 });
    expect(l.limit).toBeGreaterThan(110);
  });

  it('leaves the limit alone on a window that used less than half of it', () => {
    const l = limit();
    l.update({ latencyMs: 10, maxInFlight: 100 });
    expect(l.update({ latencyMs: 10, maxInFlight: 20 })).toBe(110);
    expect(l.update({ latencyMs: 100, maxInFlight: 20 })).toBe(110);
  });

  it('shrinks once latency passes tolerance × the no-load latency, at most halving (plus headroom) per window', () => {
    const l = limit();
    l.update({ latencyMs: 10, maxInFlight: 100 }); // no-load 10 ms, limit 110
    l.update({ latencyMs: 40, maxInFlight: 110 }); // gradient 2 × 10 / 40 = 0.5
    expect(l.limit).toBe(Math.floor(110 * 0.5 + Math.sqrt(110)));
    l.update({ latencyMs: 1000, maxInFlight: 100 }); // clamped to 0.5
    expect(l.limit).toBeLessThan(45);
  });

  it('settles where latency is tolerance × no-load: a queue makes it shrink, its absence lets it grow back', () => {
    const l = limit({ smoothing: 0.25, baselineDrift: 0 });
    // A system that serves 1 request/ms: latency = no-load 10 ms + the queue beyond 10 in flight.
    const latencyAt = (inFlight: number) => 10 + Math.max(0, inFlight - 10);
    l.update({ latencyMs: 10, maxInFlight: 100 });
    for (let i = 0; i < 300; i++) l.update({ latencyMs: latencyAt(l.limit), maxInFlight: l.limit });
    expect(latencyAt(l.limit)).toBeGreaterThan(15);
    expect(latencyAt(l.limit)).toBeLessThan(2 * 10 * 1.6); // tolerance × no-load, plus the √limit headroom
  });

  it('never leaves [minLimit, maxLimit]', () => {
    const l = limit({ initialLimit: 10, minLimit: 10, maxLimit: 12 });
    l.update({ latencyMs: 1, maxInFlight: 10 });
    for (let i = 0; i < 10; i++) l.update({ latencyMs: 1, maxInFlight: 12 });
    expect(l.limit).toBe(12);
    for (let i = 0; i < 10; i++) l.update({ latencyMs: 1000, maxInFlight: 12 });
    expect(l.limit).toBe(10);
  });

  it('lets the no-load latency drift up toward a system that became slower for good', () => {
    const l = limit({ baselineDrift: 0.1 });
    l.update({ latencyMs: 10, maxInFlight: 0 });
    for (let i = 0; i < 50; i++) l.update({ latencyMs: 50, maxInFlight: 0 });
    expect(l.baselineMs).toBeGreaterThan(45);
    expect(l.update({ latencyMs: 5, maxInFlight: 0 }) && l.baselineMs).toBe(5);
  });

  it('ignores a window without a usable latency', () => {
    const l = limit();
    expect(l.update({ latencyMs: Number.NaN, maxInFlight: 100 })).toBe(100);
    expect(l.baselineMs).toBeUndefined();
  });

  it.each([
    [{ minLimit: 0 }, /limits/],
    [{ initialLimit: 5000 }, /initial limit/],
    [{ tolerance: 0.5 }, /tolerance/],
    [{ smoothing: 0 }, /smoothing/],
    [{ baselineDrift: 1 }, /baselineDrift/],
  ])('refuses bad settings %j', (overrides, message) => {
    expect(() => limit(overrides)).toThrow(message);
  });
});
