import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChoice, readFileNamed, readInt, readList, readMatching, readString } from './env';

function thrown(fn: () => unknown): MessagingError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MessagingError) return error;
    throw error;
  }
  throw new Error('expected a MessagingError');
}

function expectConfigError(fn: () => unknown, variable: string): MessagingError {
  const error = thrown(fn);
  expect(error.code).toBe(MessagingErrorCodes.CONFIG_INVALID);
  expect(error.message).toContain(variable);
  expect(error.context.variable).toBe(variable);
  expect(error.retriable).toBe(false);
  return error;
}

describe('readString', () => {
  it('returns the default when unset, the trimmed value when set', () => {
    expect(readString({}, 'NAME', 'dflt')).toBe('dflt');
    expect(readString({ NAME: '  x ' }, 'NAME', 'dflt')).toBe('x');
  });

  it.each([[''], ['   ']])('refuses %p', (raw) => {
    expectConfigError(() => readString({ NAME: raw }, 'NAME', 'dflt'), 'NAME');
  });
});

describe('readInt', () => {
  it('returns the default when unset', () => {
    expect(readInt({}, 'N', 7, 1, 10)).toBe(7);
  });

  it.each([
    ['1', 1],
    ['10', 10],
    [' 5 ', 5],
  ])('reads %p as %p', (raw, value) => {
    expect(readInt({ N: raw }, 'N', 7, 1, 10)).toBe(value);
  });

  it.each([['abc'], ['1.5'], ['1e3'], [''], ['0x10'], ['0'], ['11'], ['-1']])('refuses %p', (raw) => {
    expectConfigError(() => readInt({ N: raw }, 'N', 7, 1, 10), 'N');
  });
});

describe('readList', () => {
  const pattern = /^[a-z]+$/;

  it('returns the default when unset', () => {
    expect(readList({}, 'L', ['d'], pattern, 'a word')).toEqual(['d']);
  });

  it('splits on commas, trims and skips empty items', () => {
    expect(readList({ L: ' a, b ,,c ' }, 'L', ['d'], pattern, 'a word')).toEqual(['a', 'b', 'c']);
  });

  it('refuses an empty list', () => {
    expectConfigError(() => readList({ L: ' , ' }, 'L', ['d'], pattern, 'a word'), 'L');
  });

  it('refuses a malformed item and names it', () => {
    const error = expectConfigError(() => readList({ L: 'a,B2' }, 'L', ['d'], pattern, 'a word'), 'L');
    expect(error.message).toContain('"B2" is not a word');
  });
});

describe('readChoice', () => {
  const levels = ['info', 'debug'] as const;

  it('returns the default when unset, the trimmed choice when set', () => {
    expect(readChoice({}, 'C', 'info', levels)).toBe('info');
    expect(readChoice({ C: ' debug ' }, 'C', 'info', levels)).toBe('debug');
  });

  it.each([['verbose'], [''], ['INFO']])('refuses %p', (raw) => {
    const error = expectConfigError(() => readChoice({ C: raw }, 'C', 'info', levels), 'C');
    expect(error.message).toContain('info, debug');
  });
});

describe('readMatching', () => {
  const prefix = /^\/([a-z]+\/)*$/;

  it('returns the default when unset, the trimmed value when it matches', () => {
    expect(readMatching({}, 'P', '/s/', prefix, 'a prefix')).toBe('/s/');
    expect(readMatching({ P: ' /a/b/ ' }, 'P', '/s/', prefix, 'a prefix')).toBe('/a/b/');
  });

  it.each([['a/'], ['/a'], ['']])('refuses %p', (raw) => {
    expectConfigError(() => readMatching({ P: raw }, 'P', '/s/', prefix, 'a prefix'), 'P');
  });
});

describe('readFileNamed', () => {
  it('reads the file a variable names, and nothing when it is unset', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'env-')), 'secret');
    writeFileSync(path, 's3cret');
    expect(readFileNamed({ F: path }, 'F')).toEqual({ path, content: Buffer.from('s3cret') });
    expect(readFileNamed({}, 'F')).toBeUndefined();
  });

  it('refuses a file it cannot read, naming the variable and the path', () => {
    expectConfigError(() => readFileNamed({ F: '/nonexistent/secret' }, 'F'), 'F');
    expect(() => readFileNamed({ F: '/nonexistent/secret' }, 'F')).toThrow(/^F: cannot read \/nonexistent\/secret: /);
  });
});
