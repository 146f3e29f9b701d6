import type { Completion } from '../contract/ops-request';

/** Counts of a pending request's answers so far. */
export interface Tally {
  asked: number;
  ok: number;
  /** Services that can no longer give an `ok` (error, left). */
  settled: number;
}

/** `met`: the rule is satisfied; `impossible`: it can no longer be; `waiting`: keep waiting. */
export type RuleState = 'met' | 'impossible' | 'waiting';

/**
 * Evaluates a completion rule. `all` is met when every asked service answered (ok or error);
 * `any` and k need that many `ok` answers and become impossible when too few services remain.
 */
export function evaluateCompletion(rule: Completion, tally: Tally): RuleState {
  const answeredOrGone = tally.ok + tally.settled;
  if (rule === 'all') {
    return answeredOrGone === tally.asked ? 'met' : 'waiting';
  }
  const needed = rule === 'any' ? 1 : rule;
  if (tally.ok >= needed) return 'met';
  const stillPossible = tally.asked - answeredOrGone;
  return tally.ok + stillPossible < needed ? 'impossible' : 'waiting';
}
