import { percentile, summarize } from './percentiles';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('answers measured values: the smallest with at least q of the values at or below it', () => {
    expect(percentile(oneToHundred, 0.5)).toBe(50);
    expect(percentile(oneToHundred, 0.9)).toBe(90);
    expect(percentile(oneToHundred, 0.99)).toBe(99);
    expect(percentile(oneToHundred, 0.999)).toBe(100);
    expect(percentile(oneToHundred, 1)).toBe(100);
  });

  it('handles one value, and no values', () => {
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([7], 0.999)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('rounds the rank up (p50 of 4 values is the 2nd, p99.9 of 1000 is the 999th)', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    const thousand = Array.from({ length: 1000 }, (_, i) => i);
    expect(percentile(thousand, 0.999)).toBe(998);
  });

  it('refuses a quantile outside (0, 1]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically (not as strings) without touching its input', () => {
    const input = [100, 9, 25, 3];
    const s = summarize(input);
    expect(input).toEqual([100, 9, 25, 3]);
    expect(s).toMatchObject({ count: 4, min: 3, p50: 9, p90: 100, max: 100, mean: 34.25 });
  });

  it('is all null for no samples', () => {
    expect(summarize([])).toEqual({ count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null });
  });

  it('finds the tail: one slow answer in a thousand shows at p99.9, not at p99', () => {
    const latencies = [...Array.from({ length: 999 }, () => 2), 500];
    const s = summarize(latencies);
    expect(s.p99).toBe(2);
    expect(s.p999).toBe(2);
    expect(s.max).toBe(500);
    const twoSlow = summarize([...Array.from({ length: 998 }, () => 2), 500, 500]);
    expect(twoSlow.p999).toBe(500);
  });
});
