import { randomSuffix } from './infra';
import type { Ledger } from './ledger';
import type { System } from './system';

/** Sends `count` HTTP requests, `concurrency` at a time, each recorded in the ledger; resolves when all are answered. */
export async function sendMany(
  system: System,
  ledger: Ledger,
  count: number,
  options: { timeoutMs: number; concurrency?: number; payload?: unknown; tag?: string },
): Promise<void> {
  const tag = options.tag ?? randomSuffix();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const uid = `${tag}-${next++}`;
      ledger.sent(uid, options.timeoutMs);
      const { status, body } = await system.request({
        uid,
        payload: options.payload ?? { sku: 'SKU-1', qty: 1, zip: '10115' },
        timeoutMs: options.timeoutMs,
      });
      ledger.answered(uid, status, body);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
}
