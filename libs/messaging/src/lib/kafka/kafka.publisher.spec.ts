import type { OutgoingMessage } from '../ports/publisher.port';
import { chunkWaiters } from './kafka.publisher';

const waiter = (id: string, valueBytes: number, count = 1) => ({
  id,
  messages: Array.from({ length: count }, (): OutgoingMessage => ({ topic: 't', key: id, value: 'x'.repeat(valueBytes) })),
});

describe('chunkWaiters', () => {
  it('keeps a turn in one request while it fits', () => {
    const chunks = chunkWaiters([waiter('a', 100), waiter('b', 100)], 10_000);
    expect(chunks.map((c) => c.map((w) => w.id))).toEqual([['a', 'b']]);
  });

  it('splits a burst into requests under the limit, in order, each waiter whole', () => {
    const burst = Array.from({ length: 10 }, (_, i) => waiter(`w${i}`, 300, 3));
    const chunks = chunkWaiters(burst, 2_000);
    expect(chunks.flat().map((w) => w.id)).toEqual(burst.map((w) => w.id));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((w) => w.messages).reduce((sum, m) => sum + 64 + String(m.key).length + String(m.value).length, 0);
      expect(bytes).toBeLessThanOrEqual(2_000);
    }
  });

  it('sends a waiter larger than the limit alone rather than splitting it', () => {
    const chunks = chunkWaiters([waiter('small', 10), waiter('huge', 5_000), waiter('after', 10)], 1_000);
    expect(chunks.map((c) => c.map((w) => w.id))).toEqual([['small'], ['huge'], ['after']]);
  });
});
