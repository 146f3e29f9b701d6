import { ChainError } from '@gateway/chain';
import { priceQuote } from './pricing.handler';

describe('priceQuote', () => {
  it('prices a line with the bulk discount', () => {
    expect(priceQuote({ sku: 'SKU-1', qty: 10, zip: '10115' })).toEqual({
      sku: 'SKU-1',
      qty: 10,
      unitCents: 1999,
      discountRate: 0.05,
      totalCents: 18991,
      currency: 'EUR',
    });
  });

  it('fails with UNKNOWN_SKU for a SKU it has no price for', () => {
    expect(() => priceQuote({ sku: 'NOPE', qty: 1 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_SKU' }));
  });

  it('fails with BAD_PAYLOAD when qty is not a positive integer', () => {
    expect(() => priceQuote({ sku: 'SKU-1', qty: 0 })).toThrow(ChainError);
  });
});
