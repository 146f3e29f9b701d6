import { ChainError } from './chain-error';
import { payloadObject, requirePositiveInt, requireString } from './payload-fields';

function badPayload(fn: () => unknown): ChainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChainError) return error;
    throw error;
  }
  throw new Error('expected a ChainError');
}

describe('payloadObject', () => {
  it('returns an object payload unchanged', () => {
    const payload = { sku: 'A1' };
    expect(payloadObject(payload)).toBe(payload);
  });

  it.each([[null], [[1]], ['text'], [3], [undefined]])('refuses %p with BAD_PAYLOAD', (payload) => {
    const error = badPayload(() => payloadObject(payload));
    expect(error.code).toBe('BAD_PAYLOAD');
    expect(error.name).toBe('ChainError');
  });
});

describe('requireString', () => {
  it('returns a non-empty string field', () => {
    expect(requireString({ sku: 'A1' }, 'sku')).toBe('A1');
  });

  it.each([[undefined], [''], [1], [null], [['A1']]])('refuses %p and names the field', (value) => {
    const error = badPayload(() => requireString({ sku: value }, 'sku'));
    expect(error.code).toBe('BAD_PAYLOAD');
    expect(error.message).toContain('"sku"');
  });
});

describe('requirePositiveInt', () => {
  it.each([[1], [250]])('returns %p', (value) => {
    expect(requirePositiveInt({ qty: value }, 'qty')).toBe(value);
  });

  it.each([[0], [-1], [1.5], ['2'], [undefined], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %p and names the field', (value) => {
    const error = badPayload(() => requirePositiveInt({ qty: value }, 'qty'));
    expect(error.code).toBe('BAD_PAYLOAD');
    expect(error.message).toContain('"qty"');
  });
});
