import type { CrowdOutcome } from './crowd-outcome';
import { startCrowdStep, type CrowdSender } from './crowd-step';

/** Answers every other request complete at once, sheds the rest. */
class Alternating implements CrowdSender {
  sent = 0;
  send(done: (outcome: CrowdOutcome) => void): void {
    const n = this.sent++;
    setImmediate(() => done(n % 2 === 0 ? { kind: 'complete', elapsedMs: 0 } : { kind: 'shed', detail: 'http 503 OVERLOADED' }));
  }
}

describe('startCrowdStep', () => {
  it('sends at the fixed rate through warm-up and window, opens and closes the window, and counts the window only', async () => {
    const sender = new Alternating();
    const edges: string[] = [];
    const run = startCrowdStep(
      sender,
      { ratePerSecond: 1000, warmupMs: 50, durationMs: 200, timeoutMs: 1000, sliceMs: 50 },
      { windowStart: () => edges.push('start'), windowEnd: () => edges.push('end') },
    );
    await run.sent;
    expect(edges).toEqual(['start', 'end']);
    expect(sender.sent).toBe(250);
    const { stats, sliceP99Ms } = await run.done;
    expect(stats.sent).toBe(200);
    expect(stats.complete + stats.shed).toBe(200);
    expect(stats.complete).toBe(100);
    expect(stats.noAnswer).toBe(0);
    expect(sliceP99Ms).toHaveLength(4);
    // Every slice sheds half its requests: each p99 counts them as the timeout.
    expect(sliceP99Ms).toEqual([1000, 1000, 1000, 1000]);
  });
});
