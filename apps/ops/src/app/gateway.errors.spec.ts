import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayErrorCodes } from './gateway.errors';

describe('docs/errors.md', () => {
  it('lists exactly the gateway error codes', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/errors.md'), 'utf8');
    const table = doc.split('<!-- gateway-codes:start -->')[1]?.split('<!-- gateway-codes:end -->')[0] ?? '';
    const documented = [...table.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(GatewayErrorCodes).sort());
  });
});
