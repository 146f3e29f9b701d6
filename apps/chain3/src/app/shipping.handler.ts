import { ChainError, payloadObject, requirePositiveInt, requireString } from '@gateway/chain';

/** What chain3 answers. */
export interface ShippingEstimate {
  zip: string;
  carrier: string;
  days: number;
  costCents: number;
}

/** Transit days by the first digit of a German postal code, from the Berlin warehouse. */
const DAYS_BY_REGION: Readonly<Record<string, number>> = { '0': 2, '1': 1, '2': 1, '3': 2, '4': 2, '5': 2, '6': 2, '7': 3, '8': 3, '9': 2 };

/** chain3's operation, shipping: carrier, transit days and cost of `{ zip, qty }`. A bad zip fails with `INVALID_ZIP`. */
export function estimateShipping(payload: unknown): ShippingEstimate {
  const line = payloadObject(payload);
  const zip = requireString(line, 'zip');
  const qty = requirePositiveInt(line, 'qty');
  if (!/^\d{5}$/.test(zip)) throw new ChainError('INVALID_ZIP', `"${zip}" is not a 5-digit postal code`);
  const days = DAYS_BY_REGION[zip.charAt(0)] ?? 3;
  const freight = qty > 20;
  return {
    zip,
    carrier: freight ? 'freight' : 'parcel',
    days: freight ? days + 1 : days,
    costCents: freight ? 4900 + 50 * qty : 490 + 10 * qty,
  };
}
