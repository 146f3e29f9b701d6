import { TurnBatcher } from './turn-batcher';

describe('TurnBatcher', () => {
  it('hands over everything added before the scheduled run as one list, then starts afresh', () => {
    const runs: Array<() => void> = [];
    const flushed: number[][] = [];
    const batcher = new TurnBatcher<number>(
      (items) => flushed.push(items),
      (run) => runs.push(run),
    );
    batcher.add(1);
    batcher.add(2);
    batcher.add(3);
    expect(runs).toHaveLength(1); // one run scheduled per turn, however many adds
    runs[0]?.();
    expect(flushed).toEqual([[1, 2, 3]]);
    batcher.add(4);
    expect(runs).toHaveLength(2);
    runs[1]?.();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('defaults to setImmediate', async () => {
    const flushed: string[][] = [];
    const batcher = new TurnBatcher<string>((items) => flushed.push(items));
    batcher.add('a');
    batcher.add('b');
    expect(flushed).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toEqual([['a', 'b']]);
  });
});
