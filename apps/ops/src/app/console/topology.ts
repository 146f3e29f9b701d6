import type { Claim, LeasedRecord } from '@gateway/discovery';
import type { ConsoleInstance, ConsoleService, ConsoleTopology } from './console.events';

/**
 * The console's topology from what etcd holds: services by name (sorted), their instances by id,
 * each with `draining`, its lease's seconds left, and its partitions — a chain's from its record
 * (`partitions`, written as its consumer joins its group), an ops instance's from the claims of
 * `ops.resp` partitions (`owner` is its instance id).
 */
export function buildTopology(instances: LeasedRecord[], claims: Claim[], at: number): ConsoleTopology {
  const byName = new Map<string, ConsoleService>();
  for (const { record, leaseTtlS } of instances) {
    let service = byName.get(record.name);
    if (!service) {
      service = { name: record.name, kind: record.kind, topic: record.topic, instances: [] };
      byName.set(record.name, service);
    }
    const instance: ConsoleInstance = {
      instanceId: record.instanceId,
      draining: record['draining'] === true,
      leaseTtlS,
      partitions:
        record.kind === 'gateway'
          ? claims.filter((c) => c.owner === record.instanceId).map((c) => c.partition)
          : partitionsOf(record['partitions']),
    };
    if (typeof record['host'] === 'string') instance.host = record['host'];
    service.instances.push(instance);
  }
  const services = [...byName.values()].sort((a, b) => compare(a.name, b.name));
  for (const service of services) service.instances.sort((a, b) => compare(a.instanceId, b.instanceId));
  return { at, services };
}

function partitionsOf(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((p): p is number => Number.isInteger(p)) : [];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
