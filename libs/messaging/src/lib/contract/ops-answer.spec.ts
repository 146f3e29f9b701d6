import { MessagingErrorCodes } from '../errors/messaging.errors';
import type { Aggregate } from './aggregate';
import { validateOpsAnswer } from './ops-answer';

function reasonOf(value: unknown): string {
  const result = validateOpsAnswer(value);
  if (result.ok) throw new Error('expected a refusal');
  expect(result.code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
  return result.reason;
}

/** The aggregate of contract §3's example: one result of every kind. */
const AGGREGATE: Aggregate = {
  uid: 'order-42',
  status: 'partial',
  results: {
    chain1: { status: 'ok', result: { totalCents: 3998 }, latencyMs: 4 },
    chain2: { status: 'error', error: { code: 'OUT_OF_STOCK', message: 'none left' }, latencyMs: 6 },
    chain3: { status: 'timeout' },
    chain4: { status: 'left' },
    chain5: { status: 'pending' },
  },
  missing: ['chain3', 'chain4', 'chain5'],
  elapsedMs: 2001,
};

const withResult = (result: unknown, missing: string[] = []) => ({ ...AGGREGATE, results: { chain1: result }, missing });

describe('validateOpsAnswer', () => {
  it('accepts an aggregate with every kind of result', () => {
    expect(validateOpsAnswer(AGGREGATE)).toEqual({ ok: true, value: AGGREGATE });
  });

  it('accepts a complete aggregate that asked no service at all', () => {
    const empty = { uid: 'u1', status: 'complete', results: {}, missing: [], elapsedMs: 0 };
    expect(validateOpsAnswer(empty)).toEqual({ ok: true, value: empty });
  });

  it('accepts a gateway error', () => {
    const answer = { uid: 'u1', status: 'error', error: { code: 'NO_SERVICES', message: 'no chain service is registered' } };
    expect(validateOpsAnswer(answer)).toEqual({ ok: true, value: answer });
  });

  it('keeps only the fields of the contract, and turns a missing ok result into null', () => {
    const answer = { ...withResult({ status: 'ok', latencyMs: 1, extra: true }), region: 'eu' };
    expect(validateOpsAnswer(answer)).toEqual({ ok: true, value: withResult({ status: 'ok', result: null, latencyMs: 1 }) });
  });

  it.each([
    ['null', null],
    ['an array', [AGGREGATE]],
    ['a string', 'answer'],
  ])('refuses %s', (_label, value) => {
    expect(reasonOf(value)).toMatch(/JSON object/);
  });

  it.each([
    ['missing', { ...AGGREGATE, uid: undefined }],
    ['with a space', { ...AGGREGATE, uid: 'a b' }],
  ])('refuses a uid %s', (_label, value) => {
    expect(reasonOf(value)).toContain('"uid"');
  });

  it.each([[undefined], ['done'], [1]])('refuses status %p', (status) => {
    expect(reasonOf({ ...AGGREGATE, status })).toContain('"status"');
  });

  it.each([
    ['missing', undefined],
    ['without a message', { code: 'NO_SERVICES' }],
    ['with a numeric code', { code: 503, message: 'x' }],
  ])('refuses a gateway error whose error is %s', (_label, error) => {
    expect(reasonOf({ uid: 'u1', status: 'error', error })).toContain('"error"');
  });

  it.each([[undefined], [[]], ['chain1']])('refuses results %p', (results) => {
    expect(reasonOf({ ...AGGREGATE, results })).toContain('"results"');
  });

  it.each([
    ['not an object', 'ok', '"results.chain1"'],
    ['of an unknown status', { status: 'done' }, '"results.chain1.status"'],
    ['ok without latencyMs', { status: 'ok', result: 1 }, '"results.chain1.latencyMs"'],
    ['error with a latency that is not a number', { status: 'error', error: { code: 'X', message: 'x' }, latencyMs: '4' }, 'latencyMs'],
    ['error without its error', { status: 'error', latencyMs: 4 }, '"results.chain1.error"'],
  ])('refuses a result %s, naming it', (_label, result, field) => {
    expect(reasonOf(withResult(result))).toContain(field);
  });

  it.each([
    ['not an array', 'chain3'],
    ['holding a number', [3]],
  ])('refuses missing %s', (_label, missing) => {
    expect(reasonOf({ ...AGGREGATE, missing })).toContain('"missing"');
  });

  it.each([
    ['leaves out a service without an answer', ['chain3', 'chain4']],
    ['names a service that answered', ['chain1', 'chain3', 'chain4', 'chain5']],
    ['names a service twice instead of another', ['chain3', 'chain3', 'chain5']],
    ['names a service that was not asked', ['chain3', 'chain4', 'chain5', 'chain9']],
  ])('refuses missing that %s', (_label, missing) => {
    expect(reasonOf({ ...AGGREGATE, missing })).toMatch(
      /"missing" must name exactly the services without an ok or error result \(chain3, chain4, chain5\)/,
    );
  });

  it.each([[undefined], ['2001'], [Number.NaN]])('refuses elapsedMs %p', (elapsedMs) => {
    // NaN cannot come from JSON, but a caller may validate a value it built itself.
    expect(reasonOf({ ...AGGREGATE, elapsedMs })).toContain('"elapsedMs"');
  });
});
