import { ChainError, payloadObject, requirePositiveInt, requireString } from '@gateway/chain';

/** Unit prices in cents by SKU: the example's price list. */
const PRICE_LIST: Readonly<Record<string, number>> = {
  'SKU-1': 1999,
  'SKU-2': 4950,
  'SKU-3': 12900,
  'SKU-4': 299,
};

/** What chain1 answers. */
export interface PriceQuote {
  sku: string;
  qty: number;
  unitCents: number;
  discountRate: number;
  totalCents: number;
  currency: 'EUR';
}

/** Bulk discount: 5% from 10 units, 10% from 50. */
function discountRate(qty: number): number {
  if (qty >= 50) return 0.1;
  if (qty >= 10) return 0.05;
  return 0;
}

/** chain1's operation, pricing: the price of `{ sku, qty }`. An unknown SKU fails with `UNKNOWN_SKU`. */
export function priceQuote(payload: unknown): PriceQuote {
  const line = payloadObject(payload);
  const sku = requireString(line, 'sku');
  const qty = requirePositiveInt(line, 'qty');
  const unitCents = PRICE_LIST[sku];
  if (unitCents === undefined) throw new ChainError('UNKNOWN_SKU', `no price for ${sku}`);
  const rate = discountRate(qty);
  return { sku, qty, unitCents, discountRate: rate, totalCents: Math.round(unitCents * qty * (1 - rate)), currency: 'EUR' };
}
