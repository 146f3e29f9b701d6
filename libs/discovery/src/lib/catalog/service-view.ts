import { ServiceKind, ServiceRecord } from '../records/service-record';

/** A service as the catalog sees it: its kind and topic, and its live instances sorted by instanceId. */
export interface ServiceView {
  name: string;
  kind: ServiceKind;
  topic: string;
  instances: ServiceRecord[];
}

function byInstanceId(a: ServiceRecord, b: ServiceRecord): number {
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}

/**
 * Builds the view of one service from its (non-empty) instances; kind is `chain` as soon as one instance is a
 * chain, and kind and topic come from the lowest instanceId of that kind, so the view is deterministic.
 */
export function toServiceView(name: string, records: Iterable<ServiceRecord>): ServiceView {
  const instances = [...records].map((record) => ({ ...record })).sort(byInstanceId);
  const representative = instances.find((r) => r.kind === 'chain') ?? instances[0];
  if (!representative) {
    throw new RangeError(`service ${name} has no instance`);
  }
  return { name, kind: representative.kind, topic: representative.topic, instances };
}
