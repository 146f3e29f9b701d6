import type { Kafka } from 'kafkajs';
import { groupMembers, listGroupIds } from '../kafka/bare-kafka';
import { CHAINS } from './services';

/** Is `groupId` a consumer group of an ops instance reading `ops.req` (not its reply or client groups)? */
export function isOpsIngressGroup(groupId: string): boolean {
  return (groupId === 'ops' || groupId.startsWith('ops-')) && !groupId.startsWith('ops-replies-') && !groupId.startsWith('ops-client-');
}

/**
 * Other systems on the same Kafka that share this run's topics: other ops instances also consume
 * `ops.req` (and answer the bench's Kafka requests too), and other chains in the groups
 * `chain1..3` take partitions of the chain topics. Returned as warnings for the report.
 */
export async function detectInterference(kafka: Kafka, ownOpsGroup: string): Promise<string[]> {
  try {
    const ids = await listGroupIds(kafka);
    const opsGroups = ids.filter((id) => isOpsIngressGroup(id) && id !== ownOpsGroup);
    const members = await groupMembers(kafka, [...CHAINS, ...opsGroups]);
    const warnings: string[] = [];
    const activeOps = opsGroups.filter((g) => (members[g] ?? 0) > 0);
    if (activeOps.length > 0) {
      warnings.push(
        `${activeOps.length} other ops consumer group(s) read ops.req (${activeOps.slice(0, 5).join(', ')}): they also answer the Kafka requests (seen as "unmatched")`,
      );
    }
    for (const chain of CHAINS) {
      const n = members[chain] ?? 0;
      if (n > 1) warnings.push(`consumer group ${chain} has ${n} members: chains of other systems share ${chain}.req with this run`);
    }
    return warnings;
  } catch (error) {
    return [`could not inspect consumer groups: ${(error as Error).message}`];
  }
}
