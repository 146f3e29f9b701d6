import type { IKeyValue } from 'etcd3';
import type { Logger } from 'pino';
import { ServiceCatalog } from '../catalog/service-catalog';
import { parseServiceKey } from '../keys/service-key';
import { ServiceRecord, validateServiceRecord } from '../records/service-record';

/** One change seen by the watch. */
export interface WatchEvent {
  type: 'put' | 'delete';
  kv: IKeyValue;
}

/**
 * Writes etcd data into a ServiceCatalog in revision order: a full read at revision R replaces the catalog, and a
 * watch event is applied only when newer than everything applied so far; events that arrive while a full read is
 * in flight are held back and applied after it, so a slow read never rolls the catalog back.
 */
export class CatalogWriter {
  private floorRevision = 0n;
  private held: WatchEvent[] | undefined;

  constructor(
    private readonly catalog: ServiceCatalog,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** Starts holding back watch events because a full read is in flight. */
  holdEvents(): void {
    this.held ??= [];
  }

  /** Applies the held-back events (after the full read landed or failed) and stops holding. */
  releaseEvents(): void {
    const held = this.held ?? [];
    this.held = undefined;
    held.forEach((event) => this.apply(event));
  }

  /** Replaces the catalog with a full read taken at `revision`, unless the watch has already gone further. */
  replaceAll(kvs: IKeyValue[], revision: bigint): void {
    if (revision < this.floorRevision) {
      this.log.debug({ revision: String(revision) }, 'skipping a full read older than the applied watch events');
      return;
    }
    this.floorRevision = revision;
    const records = this.recordsOf(kvs);
    this.guard(() => this.catalog.replaceAll(records));
  }

  /** Applies one watch event now, or holds it back while a full read is in flight. */
  onEvent(event: WatchEvent): void {
    if (this.held) {
      this.held.push(event);
    } else {
      this.apply(event);
    }
  }

  private apply({ type, kv }: WatchEvent): void {
    const revision = BigInt(kv.mod_revision);
    if (revision <= this.floorRevision) {
      return; // already part of the last full read
    }
    this.floorRevision = revision;
    const key = kv.key.toString();
    const parsed = parseServiceKey(key, this.prefix);
    if (!parsed) {
      this.log.debug({ key }, 'ignoring a key that is not <name>/<instanceId>');
      return;
    }
    const check = type === 'put' ? validateServiceRecord(key, kv.value.toString(), this.prefix) : undefined;
    if (check && !check.ok) {
      this.log.warn({ err: check.error, key }, 'invalid service record; treating the instance as gone');
    }
    this.guard(() => (check?.ok ? this.catalog.upsert(check.record) : this.catalog.remove(parsed.name, parsed.instanceId)));
  }

  private recordsOf(kvs: IKeyValue[]): ServiceRecord[] {
    const records: ServiceRecord[] = [];
    for (const kv of kvs) {
      const check = validateServiceRecord(kv.key.toString(), kv.value.toString(), this.prefix);
      if (check.ok) {
        records.push(check.record);
      } else {
        this.log.warn({ err: check.error, key: kv.key.toString() }, 'ignoring an invalid service record');
      }
    }
    return records;
  }

  private guard(update: () => void): void {
    try {
      update();
    } catch (err: unknown) {
      this.log.error({ err }, 'a catalog listener threw; the catalog itself is up to date');
    }
  }
}
