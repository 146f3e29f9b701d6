import type { PartitionAssigner } from 'kafkajs';
import { kafkajs } from './kafkajs.runtime';

/**
 * A kafkajs partition assigner that gives a consumer exactly the partitions it was told to read —
 * for a consumer group of one member (its own instance), whose partitions were decided elsewhere
 * (claimed through etcd). It never depends on where a rebalance happens to put partitions.
 */
export function fixedPartitionsAssigner(topic: string, partitions: () => number[]): PartitionAssigner {
  const { AssignerProtocol } = kafkajs();
  return () => ({
    name: 'FixedPartitions',
    version: 1,
    async assign({ members }) {
      const [first, ...others] = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const empty = AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) });
      return [
        ...(first
          ? [
              {
                memberId: first.memberId,
                memberAssignment: AssignerProtocol.MemberAssignment.encode({
                  version: 1,
                  assignment: { [topic]: partitions() },
                  userData: Buffer.alloc(0),
                }),
              },
            ]
          : []),
        // A group meant for one member: anyone else who joins it gets nothing rather than a share.
        ...others.map((member) => ({ memberId: member.memberId, memberAssignment: empty })),
      ];
    },
    protocol({ topics }) {
      return {
        name: 'FixedPartitions',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
