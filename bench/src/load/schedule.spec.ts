import { FixedRateSchedule } from './schedule';

describe('FixedRateSchedule', () => {
  it('spaces shots 1000/rate ms apart from the start, whatever the answers do', () => {
    const s = new FixedRateSchedule(1000, 250, 1000);
    expect(s.intervalMs).toBe(4);
    expect(s.total).toBe(250);
    expect(s.intendedAt(0)).toBe(1000);
    expect(s.intendedAt(1)).toBe(1004);
    expect(s.intendedAt(249)).toBe(1996);
    expect(s.endMs).toBe(2000);
  });

  it('counts the shots due at a time: none before the start, the first at the start', () => {
    const s = new FixedRateSchedule(100, 1000, 10);
    expect(s.dueCount(99.9)).toBe(0);
    expect(s.dueCount(100)).toBe(1);
    expect(s.dueCount(100.99)).toBe(1);
    expect(s.dueCount(101)).toBe(2);
    expect(s.dueCount(105.5)).toBe(6);
  });

  it('never lets more than the total be due (a late tick sends a burst, not extra shots)', () => {
    const s = new FixedRateSchedule(0, 3000, 1000);
    expect(s.total).toBe(3000);
    expect(s.dueCount(5000)).toBe(3000);
  });

  it('is exact for rates whose interval is not a whole number of ms', () => {
    const s = new FixedRateSchedule(0, 3000, 2000);
    expect(s.total).toBe(6000);
    expect(s.dueCount(1000)).toBe(3001); // shots at 0, 1/3, …, 1000 ms
    expect(s.intendedAt(3)).toBeCloseTo(1, 9);
    expect(s.dueCount(1)).toBe(4);
  });

  it('tells how long to wait for the next shot', () => {
    const s = new FixedRateSchedule(0, 100, 1000);
    expect(s.delayUntil(3, 25)).toBe(5);
    expect(s.delayUntil(3, 40)).toBe(0);
  });

  it('rounds a partial last interval up and refuses nonsense', () => {
    expect(new FixedRateSchedule(0, 3, 1000).total).toBe(3);
    expect(new FixedRateSchedule(0, 3, 1001).total).toBe(4);
    expect(new FixedRateSchedule(0, 10, 0).total).toBe(0);
    expect(() => new FixedRateSchedule(0, 0, 1000)).toThrow(RangeError);
    expect(() => new FixedRateSchedule(0, 10, -1)).toThrow(RangeError);
  });
});
