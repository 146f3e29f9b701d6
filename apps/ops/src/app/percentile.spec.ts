import { percentileOf } from './percentile';

describe('percentileOf', () => {
  it('gives the nearest-rank percentile, 0 for no values', () => {
    expect(percentileOf([], 0.9)).toBe(0);
    expect(percentileOf([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentileOf([4], 0.5)).toBe(4);
  });
});
