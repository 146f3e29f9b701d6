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
 * Builds the view of one service from its instances; kind is `chain` as soon as one instance is a chain, and
 * kind and topic come from the lowest instanceId of that kind, so the view is deterministic. A name without
 * an instance has no view (undefined): a service is known only while it has one.
 */
export function toServiceView(name: string, records: Iterable<ServiceRecord>): ServiceView | undefined {
  const instances = [...records].map((record) => ({ ...record })).sort(byInstanceId);
  const representative = instances.find((r) => r.kind === 'chain') ?? instances[0];
  return representative && { name, kind: representative.kind, topic: representative.topic, instances };
}
