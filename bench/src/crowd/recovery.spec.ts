import { recoveryTime, SliceRecorder, slicesAbove } from './recovery';

describe('SliceRecorder', () => {
  it('buckets by intended time and gives each slice its p99, failures counting as infinitely late', () => {
    const r = new SliceRecorder(1000, 250, 3);
    for (let i = 0; i < 100; i++) r.record(1000 + i, i === 0 ? Infinity : 5);
    r.record(1250, 7);
    r.record(999, 1e6); // before the first slice
    r.record(1750, 1e6); // after the last
    expect(r.p99s()).toEqual([5, 7, null]);
    r.record(1001, Infinity);
    expect(r.p99s()[0]).toBe(Infinity);
    expect(() => new SliceRecorder(0, 0, 1)).toThrow(RangeError);
  });
});

describe('recoveryTime', () => {
  it('is the start of the first run of `hold` slices within the threshold', () => {
    expect(recoveryTime([900, 400, 20, 30, 12, 12, 11], 250, 30, 4)).toBe(500);
    expect(recoveryTime([20, 20, 20, 20], 250, 30, 4)).toBe(0);
  });

  it('starts over after a slice above it, lets empty slices pass, and is null when never recovered', () => {
    expect(recoveryTime([10, 10, 10, Infinity, 10, null, 10, 10], 250, 30, 4)).toBe(1000);
    expect(recoveryTime([10, 10, 10, 100], 250, 30, 4)).toBeNull();
    expect(recoveryTime([], 250, 30, 4)).toBeNull();
  });
});

describe('slicesAbove', () => {
  it('counts the slices above the bound from the recovery on (empty ones not)', () => {
    const p99s = [900, 10, 10, 10, 10, 10000, null, 10, 40];
    expect(slicesAbove(p99s, 250, 30, recoveryTime(p99s, 250, 30, 4) ?? 0)).toBe(2);
    expect(slicesAbove(p99s, 250, 30, 0)).toBe(3);
  });
});
