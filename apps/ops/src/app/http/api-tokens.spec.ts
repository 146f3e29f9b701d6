import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTokens, readApiTokens } from './api-tokens';

describe('ApiTokens (OPS_API_TOKENS_FILE)', () => {
  const tokens = ApiTokens.parse(
    ['# team A', 'team-a-0123456789abcdef', '', 'team-b-0123456789abcdef expires=2030-01-01T00:00:00Z  # rotated yearly'].join('\n'),
  );

  it('accepts each token of the file as "Bearer <token>", whatever the scheme case', () => {
    expect(tokens.check('Bearer team-a-0123456789abcdef')).toBe('ok');
    expect(tokens.check('bearer team-b-0123456789abcdef')).toBe('ok');
  });

  it('tells a missing token from a wrong one and from an expired one', () => {
    expect(tokens.check(undefined)).toBe('missing');
    expect(tokens.check('Basic dXNlcjpwYXNz')).toBe('missing');
    expect(tokens.check('Bearer team-a-0123456789abcdeX')).toBe('invalid');
    expect(tokens.check('Bearer team-b-0123456789abcdef', Date.parse('2030-01-01T00:00:00Z'))).toBe('expired');
  });

  it('refuses a file that breaks its rules, naming the variable and the line, never the token', () => {
    expect(() => ApiTokens.parse('short')).toThrow(/^OPS_API_TOKENS_FILE: line 1: a token has at least 16 characters$/);
    expect(() => ApiTokens.parse('# nothing\n\n')).toThrow(/OPS_API_TOKENS_FILE: the file holds no token/);
    expect(() => ApiTokens.parse('team-c-0123456789abcdef expires=soon')).toThrow(/line 1: "expires=soon" is not expires=<ISO 8601 time>/);
    expect(() => readApiTokens({ OPS_API_TOKENS_FILE: '/nonexistent/tokens' })).toThrow(
      /OPS_API_TOKENS_FILE: cannot read \/nonexistent\/tokens/,
    );
  });

  it('reads the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens');
    writeFileSync(file, 'from-a-file-0123456789\n');
    expect(readApiTokens({ OPS_API_TOKENS_FILE: file })?.check('Bearer from-a-file-0123456789')).toBe('ok');
    expect(readApiTokens({})).toBeUndefined();
  });
});
