import { estimateShipping } from './shipping.handler';

describe('estimateShipping', () => {
  it('ships small lines as a parcel', () => {
    expect(estimateShipping({ sku: 'SKU-1', qty: 2, zip: '10115' })).toEqual({ zip: '10115', carrier: 'parcel', days: 1, costCents: 510 });
  });

  it('ships large lines as freight, a day slower', () => {
    expect(estimateShipping({ qty: 30, zip: '80331' })).toEqual({ zip: '80331', carrier: 'freight', days: 4, costCents: 6400 });
  });

  it('fails with INVALID_ZIP for a malformed postal code', () => {
    expect(() => estimateShipping({ qty: 1, zip: 'abc' })).toThrow(expect.objectContaining({ code: 'INVALID_ZIP' }));
  });
});
