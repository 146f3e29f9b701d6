import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits one past an offset done in order', () => {
    const tracker = new OffsetTracker();
    tracker.begin('t', 0, 10);
    expect(tracker.inFlight).toBe(1);
    expect(tracker.done('t', 0, 10)).toBe(11);
    expect(tracker.inFlight).toBe(0);
  });

  it('commits only the contiguous prefix when offsets finish out of order', () => {
    const tracker = new OffsetTracker();
    [5, 6, 7, 8].forEach((o) => tracker.begin('t', 0, o));
    expect(tracker.inFlight).toBe(4);
    expect(tracker.done('t', 0, 7)).toBeUndefined();
    expect(tracker.done('t', 0, 6)).toBeUndefined();
    expect(tracker.inFlight).toBe(2);
    expect(tracker.done('t', 0, 5)).toBe(8);
    expect(tracker.inFlight).toBe(1);
    expect(tracker.done('t', 0, 8)).toBe(9);
    expect(tracker.inFlight).toBe(0);
  });

  it('handles gaps between offsets (compacted or transactional topics)', () => {
    const tracker = new OffsetTracker();
    [3, 10, 42].forEach((o) => tracker.begin('t', 0, o));
    expect(tracker.done('t', 0, 10)).toBeUndefined();
    expect(tracker.done('t', 0, 3)).toBe(11);
    expect(tracker.done('t', 0, 42)).toBe(43);
  });

  it('keeps partitions and topics independent', () => {
    const tracker = new OffsetTracker();
    tracker.begin('t', 0, 0);
    tracker.begin('t', 0, 1);
    tracker.begin('t', 1, 0);
    tracker.begin('u', 0, 100);
    expect(tracker.inFlight).toBe(4);
    expect(tracker.done('t', 0, 1)).toBeUndefined();
    expect(tracker.done('t', 1, 0)).toBe(1);
    expect(tracker.done('u', 0, 100)).toBe(101);
    expect(tracker.inFlight).toBe(1);
    expect(tracker.done('t', 0, 0)).toBe(2);
    expect(tracker.inFlight).toBe(0);
  });

  it('forgets a revoked partition', () => {
    const tracker = new OffsetTracker();
    tracker.begin('t', 0, 0);
    tracker.begin('t', 1, 0);
    tracker.forget('t', 0);
    expect(tracker.inFlight).toBe(1);
    tracker.begin('t', 0, 50);
    expect(tracker.done('t', 0, 50)).toBe(51);
  });

  it('stays correct over many messages (internal compaction)', () => {
    const tracker = new OffsetTracker();
    for (let o = 0; o < 5000; o++) tracker.begin('t', 0, o);
    // finish in pairs, the second of each pair first
    let last: number | undefined;
    for (let o = 0; o < 5000; o += 2) {
      expect(tracker.done('t', 0, o + 1)).toBeUndefined();
      last = tracker.done('t', 0, o);
      expect(last).toBe(o + 2);
    }
    expect(tracker.inFlight).toBe(0);
    tracker.begin('t', 0, 5000);
    expect(tracker.done('t', 0, 5000)).toBe(5001);
  });
});
