import type { Ledger } from './ledger';
import { metric } from './ops-metrics';
import type { System } from './system';
import { waitFor } from './wait-for';

/** What the gateway looked like before a scenario, for I4. */
export interface Baseline {
  heapBytes: number;
}

/** Reads the baseline of I4 from ops' metrics. */
export async function baseline(system: System): Promise<Baseline> {
  return { heapBytes: await metric(system.opsUrl, 'ops_nodejs_heap_size_used_bytes') };
}

/** How far the heap may stay above its baseline once a scenario is over. */
const HEAP_SLACK_BYTES = 48 * 1024 * 1024;

/** Violations listed in a failure at most (a crowd can break I1 for tens of thousands of requests). */
const MAX_SHOWN = 40;

/** How a scenario's invariants are checked. */
export interface InvariantOptions {
  /** I1's margin: how long after its deadline an answer may come. */
  marginMs?: number;
  /**
   * How long the heap has to come back near its baseline. Garbage that lived long enough to be
   * promoted stays in the old generation until V8's next full collection; after a crowd, that is
   * the one V8's memory reducer starts once allocation has gone quiet (10–25 s here), so a scenario
   * that promotes a lot waits for it rather than taking its garbage for a leak.
   */
  heapSettleMs?: number;
}

/**
 * Checks the invariants of the fault suite after a scenario and throws with every violation:
 * I1/I2 from the ledger, I4 in-flight back to 0 and heap back near its baseline, I5 no unhandled
 * rejection or uncaught exception in any service's log. (I3 and I6 are asserted by the scenarios.)
 */
export async function assertInvariants(
  system: System,
  ledger: Ledger,
  before: Baseline,
  { marginMs = 1500, heapSettleMs = 20_000 }: InvariantOptions = {},
): Promise<void> {
  const problems = ledger.violations(marginMs);
  await waitFor('I4: no request in flight', async () => (await metric(system.opsUrl, 'ops_requests_in_flight')) === 0, 20_000).catch(
    (e: Error) => problems.push(e.message),
  );
  await waitFor(
    'I4: heap near its baseline',
    async () => {
      const now = await metric(system.opsUrl, 'ops_nodejs_heap_size_used_bytes');
      return now <= before.heapBytes + HEAP_SLACK_BYTES ? now : undefined;
    },
    heapSettleMs,
    500,
  ).catch((e: Error) => problems.push(e.message));
  for (const service of system.allProcesses()) {
    const bad = service.find((l) => l.msg === 'unhandled rejection' || l.msg === 'uncaught exception');
    if (bad) problems.push(`I5 ${service.name}: ${JSON.stringify(bad).slice(0, 400)}`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_SHOWN);
    if (problems.length > MAX_SHOWN) shown.push(`… and ${problems.length - MAX_SHOWN} more`);
    throw new Error(`invariants violated (${problems.length}):\n${shown.join('\n')}`);
  }
}
