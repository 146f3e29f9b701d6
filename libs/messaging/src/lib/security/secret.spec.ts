import { inspect } from 'node:util';
import pino from 'pino';
import { readSecret } from '../config/env';
import { Secret } from './secret';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('Secret', () => {
  it('shows as [redacted] however it is printed, and reveal() gives the value', () => {
    const secret = new Secret('hunter2');
    const holder = { password: secret };
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify(holder)).toBe('{"password":"[redacted]"}');
    expect(inspect(holder)).not.toContain('hunter2');
    const lines: string[] = [];
    pino({}, { write: (line: string) => lines.push(line) }).info({ holder }, 'logged');
    expect(lines.join('')).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2');
  });
});

describe('readSecret', () => {
  const file = (content: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'secret-')), 'password');
    writeFileSync(path, content);
    return path;
  };

  it('reads the variable, or the file its _FILE twin names without one trailing line break', () => {
    expect(readSecret({ P: 'a b ' }, 'P')?.reveal()).toBe('a b ');
    expect(readSecret({ P_FILE: file('from-file\n') }, 'P')?.reveal()).toBe('from-file');
    expect(readSecret({ P_FILE: file('two\n\n') }, 'P')?.reveal()).toBe('two\n');
    expect(readSecret({}, 'P')).toBeUndefined();
  });

  it('refuses both at once, an empty value and an unreadable file, naming the variable and never the value', () => {
    expect(() => readSecret({ P: 'hunter2', P_FILE: file('x') }, 'P')).toThrow(/^P: is set, and so is P_FILE: give one of them$/);
    expect(() => readSecret({ P: 'hunter2', P_FILE: file('x') }, 'P')).not.toThrow(/hunter2/);
    expect(() => readSecret({ P: '' }, 'P')).toThrow(/^P: must not be empty$/);
    expect(() => readSecret({ P_FILE: file('\n') }, 'P')).toThrow(/^P_FILE: .* is empty$/);
    expect(() => readSecret({ P_FILE: '/nonexistent/p' }, 'P')).toThrow(/^P_FILE: cannot read \/nonexistent\/p/);
  });
});
