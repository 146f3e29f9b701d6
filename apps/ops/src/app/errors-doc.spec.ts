import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainErrorCodes } from '@gateway/chain';
import { DiscoveryError, DiscoveryErrorCodes } from '@gateway/discovery';
import { MessagingError, MessagingErrorCodes } from '@gateway/messaging';
import { opsErrorsOf, type OpsErrorEntry } from './ops.errors';

// docs/errors.md against every error registry of the system. It lives in ops because ops is the one
// project that may import all of them: its own two and the libraries' (an app may depend on libs,
// no lib or test project on an app).

/** What a registry (or its table) says of one code, where it says it. */
interface Facts {
  retriable?: boolean | string;
  httpStatus?: number | string;
}

/** A registry as its table in docs/errors.md shows it. */
interface Registry {
  codes: ReadonlyMap<string, Facts>;
  /** Rows of its table whose first cell is no code (not in backticks), by their text. */
  otherRows?: readonly string[];
}

/** Each registry under the name of the markers around its table (`<!-- name:start -->`). */
const registries: Record<string, Registry> = {
  'gateway-codes': { codes: withStatus(opsErrorsOf('gateway')) },
  'http-codes': { codes: withStatus(opsErrorsOf('http')) },
  'chain-codes': {
    codes: new Map(Object.values(ChainErrorCodes).map((code) => [code, {}])),
    // The codes of a handler's own ChainErrors are its team's, in no registry: one row says so.
    otherRows: ['anything else'],
  },
  'messaging-codes': {
    codes: new Map(Object.values(MessagingErrorCodes).map((code) => [code, { retriable: new MessagingError(code, '').retriable }])),
  },
  'discovery-codes': {
    codes: new Map(Object.values(DiscoveryErrorCodes).map((code) => [code, { retriable: new DiscoveryError(code, '').retriable }])),
  },
};

function withStatus(entries: OpsErrorEntry[]): Map<string, Facts> {
  return new Map(entries.map(({ code, httpStatus }) => [code, { httpStatus }]));
}

/** One markdown table: the marked section it sits in, its column names (lower case) and its rows. */
interface Table {
  section: string | undefined;
  line: number;
  columns: string[];
  rows: string[][];
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Every table of a markdown text, with the section (`<!-- name:start -->` … `end`) it is in. */
function tablesOf(markdown: string): Table[] {
  const tables: Table[] = [];
  let section: string | undefined;
  let table: Table | undefined;
  markdown.split('\n').forEach((text, index) => {
    const line = text.trim();
    const marker = /^<!--\s*([a-z-]+):(start|end)\s*-->$/.exec(line);
    if (marker) section = marker[2] === 'start' ? marker[1] : undefined;
    if (!line.startsWith('|')) {
      table = undefined;
    } else if (!table) {
      table = { section, line: index + 1, columns: cellsOf(line).map((column) => column.toLowerCase()), rows: [] };
      tables.push(table);
    } else if (!/^\|[\s:|-]+\|$/.test(line)) {
      table.rows.push(cellsOf(line)); // every row but the one under the header
    }
  });
  return tables;
}

const YES_NO: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['no', false],
]);

/** A table read the way a registry is: its codes with their facts, and its other rows. */
function documented(table: Table): { codes: string[]; facts: Map<string, Facts>; otherRows: string[] } {
  const retriable = table.columns.indexOf('retriable');
  const http = table.columns.indexOf('http');
  const codes: string[] = [];
  const facts = new Map<string, Facts>();
  const otherRows: string[] = [];
  for (const row of table.rows) {
    const code = /^`([A-Z][A-Z0-9_]*)`$/.exec(row[0] ?? '')?.[1];
    if (code === undefined) {
      otherRows.push(row[0] ?? '');
      continue;
    }
    codes.push(code);
    const stated: Facts = {};
    // A cell that is neither yes/no nor a status stays text, so the comparison shows it.
    if (retriable >= 0) stated.retriable = YES_NO.get(row[retriable] ?? '') ?? row[retriable];
    if (http >= 0) stated.httpStatus = /^\d{3}$/.test(row[http] ?? '') ? Number(row[http]) : row[http];
    facts.set(code, stated);
  }
  return { codes, facts, otherRows };
}

/** `code → value` of one fact, for the given codes. */
function factByCode(facts: ReadonlyMap<string, Facts>, fact: keyof Facts, codes: readonly string[]): Record<string, Facts[keyof Facts]> {
  return Object.fromEntries(codes.map((code) => [code, facts.get(code)?.[fact]]));
}

describe('docs/errors.md against the error registries', () => {
  const tables = tablesOf(readFileSync(join(__dirname, '../../../../docs/errors.md'), 'utf8'));

  it('has one table per registry, each between the markers naming it', () => {
    const sections = tables.map((table) => table.section ?? `a table outside the markers, line ${table.line}`);
    expect(sections.sort()).toEqual(Object.keys(registries).sort());
  });

  describe.each(Object.entries(registries))('the %s table', (section, registry) => {
    const table = tables.find((candidate) => candidate.section === section);
    const doc = table && documented(table);

    it('lists exactly the codes of its registry, each once', () => {
      expect([...(doc?.codes ?? [])].sort()).toEqual([...registry.codes.keys()].sort());
      expect(doc?.otherRows).toEqual(registry.otherRows ?? []);
    });

    it.each<[string, keyof Facts]>([
      ['retriable', 'retriable'],
      ['http', 'httpStatus'],
    ])('has a "%s" column exactly when its registry has the fact, and agrees with it', (column, fact) => {
      const registryHasIt = [...registry.codes.values()].some((stated) => fact in stated);
      expect(table?.columns.includes(column)).toBe(registryHasIt);
      // Codes on one side only are the test above's failure, not this one's.
      const shared = [...registry.codes.keys()].filter((code) => doc?.facts.has(code)).sort();
      expect(factByCode(doc?.facts ?? new Map(), fact, shared)).toEqual(factByCode(registry.codes, fact, shared));
    });
  });
});
