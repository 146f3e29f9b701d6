import type { Etcd3 } from 'etcd3';
import { SERVICES_PREFIX } from '../keys/service-key';
import { validateServiceRecord, type ServiceRecord } from '../records/service-record';

/** A registered instance with the seconds left on its lease (null: no lease, or it could not be read). */
export interface LeasedRecord {
  record: ServiceRecord;
  leaseTtlS: number | null;
}

/** A claim under a prefix: the key's last segment (a partition), and who holds it. */
export interface Claim {
  partition: number;
  owner: string;
}

/**
 * Reads what etcd holds right now, for operators: every registered instance with the time left on
 * its lease, and the partition claims under a prefix. One range read per prefix and one
 * LeaseTimeToLive per distinct lease; the catalog (CatalogSync) is what requests use, not this.
 */
export class RegistryReader {
  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string = SERVICES_PREFIX,
  ) {}

  /** Every valid record under the prefix, with its lease's seconds left; invalid records are skipped. */
  async instances(): Promise<LeasedRecord[]> {
    const range = await this.client.getAll().prefix(this.prefix).exec();
    const leases = [...new Set(range.kvs.map((kv) => String(kv.lease)).filter((id) => id !== '0'))];
    const ttls = new Map(await Promise.all(leases.map(async (id) => [id, await this.ttlOf(id)] as const)));
    return range.kvs.flatMap((kv) => {
      const check = validateServiceRecord(kv.key.toString(), kv.value.toString(), this.prefix);
      return check.ok ? [{ record: check.record, leaseTtlS: ttls.get(String(kv.lease)) ?? null }] : [];
    });
  }

  /** The claims under `prefix` (`<prefix><partition>` → owner), by partition. */
  async claims(prefix: string): Promise<Claim[]> {
    const values = await this.client.getAll().prefix(prefix).strings();
    return Object.entries(values)
      .map(([key, owner]) => ({ partition: Number(key.slice(prefix.length)), owner }))
      .filter((claim) => Number.isInteger(claim.partition))
      .sort((a, b) => a.partition - b.partition);
  }

  private async ttlOf(leaseId: string): Promise<number | null> {
    try {
      const { TTL } = await this.client.leaseClient.leaseTimeToLive({ ID: leaseId });
      const ttl = Number(TTL);
      return ttl >= 0 ? ttl : null;
    } catch {
      return null; // gone between the two reads, or etcd away: not known
    }
  }
}
