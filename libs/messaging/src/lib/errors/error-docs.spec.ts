import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessagingErrorCodes } from './messaging.errors';

/** The codes in the first column of a marked table of docs/errors.md. */
function documentedCodes(section: string): string[] {
  const doc = readFileSync(join(__dirname, '../../../../../docs/errors.md'), 'utf8');
  const table = doc.split(`<!-- ${section}:start -->`)[1]?.split(`<!-- ${section}:end -->`)[0] ?? '';
  return [...table.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1] as string).sort();
}

describe('docs/errors.md', () => {
  it('lists exactly the codes of the messaging registry', () => {
    expect(documentedCodes('messaging-codes')).toEqual(Object.values(MessagingErrorCodes).sort());
  });
});
