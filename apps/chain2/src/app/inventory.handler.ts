import { ChainError, payloadObject, requirePositiveInt, requireString } from '@gateway/chain';

/** Units in stock by SKU, per warehouse: the example's inventory. */
const STOCK: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'SKU-1': { berlin: 40, hamburg: 25 },
  'SKU-2': { berlin: 3 },
  'SKU-3': { hamburg: 0 },
  'SKU-4': { berlin: 500, hamburg: 1000 },
};

/** What chain2 answers. */
export interface Availability {
  sku: string;
  qty: number;
  available: number;
  /** Warehouses the line ships from, each with the units it takes. */
  allocation: Record<string, number>;
}

/**
 * chain2's operation, inventory: whether `{ sku, qty }` is in stock and where from. Replies with an
 * error (`OUT_OF_STOCK`, `UNKNOWN_SKU`) for lines it cannot serve: the example's failing chain.
 */
export function checkAvailability(payload: unknown): Availability {
  const line = payloadObject(payload);
  const sku = requireString(line, 'sku');
  const qty = requirePositiveInt(line, 'qty');
  const warehouses = STOCK[sku];
  if (!warehouses) throw new ChainError('UNKNOWN_SKU', `${sku} is not stocked`);
  const available = Object.values(warehouses).reduce((sum, n) => sum + n, 0);
  if (available < qty) throw new ChainError('OUT_OF_STOCK', `${qty} × ${sku} wanted, ${available} in stock`);
  const allocation: Record<string, number> = {};
  let remaining = qty;
  for (const [warehouse, units] of Object.entries(warehouses).sort((a, b) => b[1] - a[1])) {
    if (remaining === 0) break;
    const take = Math.min(units, remaining);
    if (take > 0) allocation[warehouse] = take;
    remaining -= take;
  }
  return { sku, qty, available, allocation };
}
