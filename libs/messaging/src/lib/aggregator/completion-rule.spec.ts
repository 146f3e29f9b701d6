import { evaluateCompletion, type RuleState, type Tally } from './completion-rule';
import type { Completion } from '../contract/ops-request';

describe('evaluateCompletion', () => {
  const cases: Array<[Completion, Tally, RuleState]> = [
    // all: every asked service answered (ok or error) or is gone
    ['all', { asked: 3, ok: 0, settled: 0 }, 'waiting'],
    ['all', { asked: 3, ok: 2, settled: 0 }, 'waiting'],
    ['all', { asked: 3, ok: 3, settled: 0 }, 'met'],
    ['all', { asked: 3, ok: 1, settled: 2 }, 'met'],
    ['all', { asked: 3, ok: 0, settled: 3 }, 'met'],
    ['all', { asked: 0, ok: 0, settled: 0 }, 'met'],
    // any: the first ok
    ['any', { asked: 3, ok: 0, settled: 0 }, 'waiting'],
    ['any', { asked: 3, ok: 1, settled: 0 }, 'met'],
    ['any', { asked: 3, ok: 0, settled: 2 }, 'waiting'],
    ['any', { asked: 3, ok: 0, settled: 3 }, 'impossible'],
    ['any', { asked: 3, ok: 1, settled: 2 }, 'met'],
    ['any', { asked: 0, ok: 0, settled: 0 }, 'impossible'],
    // k
    [2, { asked: 3, ok: 1, settled: 0 }, 'waiting'],
    [2, { asked: 3, ok: 2, settled: 0 }, 'met'],
    [2, { asked: 3, ok: 1, settled: 1 }, 'waiting'],
    [2, { asked: 3, ok: 0, settled: 2 }, 'impossible'],
    [2, { asked: 3, ok: 1, settled: 2 }, 'impossible'],
    [3, { asked: 3, ok: 3, settled: 0 }, 'met'],
    [4, { asked: 3, ok: 0, settled: 0 }, 'impossible'],
    [1, { asked: 2, ok: 1, settled: 0 }, 'met'],
  ];

  it.each(cases)('%p with %j is %p', (rule, tally, expected) => {
    expect(evaluateCompletion(rule, tally)).toBe(expected);
  });
});
