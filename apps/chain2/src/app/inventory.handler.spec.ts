import { checkAvailability } from './inventory.handler';

describe('checkAvailability', () => {
  it('allocates from the fullest warehouse first', () => {
    expect(checkAvailability({ sku: 'SKU-1', qty: 50 })).toEqual({
      sku: 'SKU-1',
      qty: 50,
      available: 65,
      allocation: { berlin: 40, hamburg: 10 },
    });
  });

  it('replies OUT_OF_STOCK when too few units are left', () => {
    expect(() => checkAvailability({ sku: 'SKU-2', qty: 4 })).toThrow(expect.objectContaining({ code: 'OUT_OF_STOCK' }));
  });

  it('replies UNKNOWN_SKU for a SKU it does not stock', () => {
    expect(() => checkAvailability({ sku: 'SKU-9', qty: 1 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_SKU' }));
  });
});
