import { ServiceRecord } from '../records/service-record';
import { ServiceView, toServiceView } from './service-view';

/** The events of a {@link ServiceCatalog}. */
export type CatalogEvent = 'service-up' | 'service-down' | 'change';

type Listener = (name: string) => void;
type Instances = Map<string, ServiceRecord>;

function sameRecord(a: ServiceRecord, b: ServiceRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byName(a: ServiceView, b: ServiceView): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The live services, in memory and free of etcd: every mutation updates the state first, then emits
 * `service-up` / `service-down` per name and one `change`; a throwing listener does not stop the others
 * (its error is rethrown once all listeners ran).
 */
export class ServiceCatalog {
  private services = new Map<string, Instances>();
  private readonly listeners = new Map<CatalogEvent, Set<Listener>>();
  private chainViews: ServiceView[] | undefined;

  /** Adds or replaces one instance; emits `service-up` when it is the first instance of its name. */
  upsert(record: ServiceRecord): void {
    const instances = this.services.get(record.name);
    const previous = instances?.get(record.instanceId);
    if (previous && sameRecord(previous, record)) {
      return;
    }
    const copy = { ...record };
    if (instances) {
      instances.set(record.instanceId, copy);
      this.emitAll([], []);
    } else {
      this.services.set(record.name, new Map([[record.instanceId, copy]]));
      this.emitAll([record.name], []);
    }
  }

  /** Removes one instance (no-op when unknown); emits `service-down` when it was the last instance of its name. */
  remove(name: string, instanceId: string): void {
    const instances = this.services.get(name);
    if (!instances?.delete(instanceId)) {
      return;
    }
    if (instances.size === 0) {
      this.services.delete(name);
      this.emitAll([], [name]);
    } else {
      this.emitAll([], []);
    }
  }

  /** Replaces the whole state with a full read, emitting only what changed (later duplicates win). */
  replaceAll(records: ServiceRecord[]): void {
    const next = new Map<string, Instances>();
    for (const record of records) {
      const instances = next.get(record.name) ?? new Map<string, ServiceRecord>();
      instances.set(record.instanceId, { ...record });
      next.set(record.name, instances);
    }
    const ups = [...next.keys()].filter((name) => !this.services.has(name)).sort();
    const downs = [...this.services.keys()].filter((name) => !next.has(name)).sort();
    const changed = ups.length > 0 || downs.length > 0 || !this.sameInstances(next);
    this.services = next;
    if (changed) {
      this.emitAll(ups, downs);
    }
  }

  /**
   * The names with at least one live `chain` instance that is not draining (those ops asks), sorted
   * by name, with only those instances listed. The same array is returned until the catalog changes
   * (it is read on every request): treat it as read-only.
   */
  chainServices(): readonly ServiceView[] {
    this.chainViews ??= this.snapshot()
      .filter((view) => view.kind === 'chain')
      .map((view) => ({
        ...view,
        instances: view.instances.filter((instance) => instance.kind === 'chain' && instance['draining'] !== true),
      }))
      .filter((view) => view.instances.length > 0);
    return this.chainViews;
  }

  /** The view of one service, or undefined when it has no live instance. */
  get(name: string): ServiceView | undefined {
    const instances = this.services.get(name);
    return instances && toServiceView(name, instances.values());
  }

  /** Every service (chain and gateway) sorted by name. */
  snapshot(): ServiceView[] {
    return [...this.services].flatMap(([name, instances]) => toServiceView(name, instances.values()) ?? []).sort(byName);
  }

  /** Subscribes to `service-up` / `service-down` (called with the name) and returns the unsubscribe function. */
  on(event: 'service-up' | 'service-down', listener: (name: string) => void): () => void;
  /** Subscribes to `change` (any difference in the catalog) and returns the unsubscribe function. */
  on(event: 'change', listener: () => void): () => void;
  on(event: CatalogEvent, listener: Listener): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    // Wrap so that the same function subscribed twice gets two independent subscriptions.
    const entry: Listener = (name) => listener(name);
    set.add(entry);
    this.listeners.set(event, set);
    return () => {
      set.delete(entry);
    };
  }

  private sameInstances(next: Map<string, Instances>): boolean {
    for (const [name, instances] of next) {
      const current = this.services.get(name);
      if (!current || current.size !== instances.size) {
        return false;
      }
      for (const [id, record] of instances) {
        const old = current.get(id);
        if (!old || !sameRecord(old, record)) {
          return false;
        }
      }
    }
    return true;
  }

  private emitAll(ups: string[], downs: string[]): void {
    this.chainViews = undefined; // every mutation comes through here
    const errors: unknown[] = [];
    const call = (event: CatalogEvent, name: string): void => {
      for (const listener of [...(this.listeners.get(event) ?? [])]) {
        try {
          listener(name);
        } catch (err: unknown) {
          errors.push(err);
        }
      }
    };
    downs.forEach((name) => call('service-down', name));
    ups.forEach((name) => call('service-up', name));
    call('change', '');
    if (errors.length === 1) {
      throw errors[0];
    }
    if (errors.length > 1) {
      throw new AggregateError(errors, 'several catalog listeners threw');
    }
  }
}
