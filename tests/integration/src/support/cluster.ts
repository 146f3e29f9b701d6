import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { etcdEndpoints } from './infra';
import { withAdmin } from './plain-kafka';
import { waitFor } from './wait-for';

const exec = promisify(execFile);
const STACK = join(__dirname, '../../../../scripts/stack.sh');

/** A member of the cluster stack (`scripts/stack.sh start --cluster`): broker N has node id N. */
export type KafkaMember = `kafka-${number}`;
export type EtcdMember = `etcd-${number}`;
export type Member = KafkaMember | EtcdMember;

/** The members of the cluster stack. */
export const KAFKA_MEMBERS: KafkaMember[] = ['kafka-1', 'kafka-2', 'kafka-3'];
export const ETCD_MEMBERS: EtcdMember[] = ['etcd-1', 'etcd-2', 'etcd-3'];

/**
 * Does a fault to one member of the cluster stack: `kill` (SIGKILL), `pause` (SIGSTOP), `resume`
 * (SIGCONT), `stop` (SIGTERM, a controlled shutdown), `start` or `restart` (on the same data,
 * waiting until the member serves again).
 */
export async function member(action: 'kill' | 'pause' | 'resume' | 'stop' | 'start' | 'restart', name: Member): Promise<string> {
  const { stdout } = await exec('bash', [STACK, action, name], { timeout: 180_000 });
  return stdout.trim();
}

/** The broker member that leads `partition` of `topic` now (-1 in Kafka's answer: none). */
export async function partitionLeader(topic: string, partition: number): Promise<KafkaMember | undefined> {
  const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }));
  const leader = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
  return leader === undefined || leader < 0 ? undefined : `kafka-${leader}`;
}

/** Waits until `partition` of `topic` is led by a broker other than `former`; returns it and when that was seen. */
export async function newLeader(
  topic: string,
  partition: number,
  former: KafkaMember,
  timeoutMs = 30_000,
): Promise<{ leader: KafkaMember; at: number }> {
  const leader = await waitFor(
    `a new leader of ${topic}[${partition}]`,
    async () => {
      const now = await partitionLeader(topic, partition).catch(() => undefined);
      return now !== undefined && now !== former ? now : undefined;
    },
    timeoutMs,
    100,
  );
  return { leader, at: Date.now() };
}

/** Partitions of `topics` whose in-sync replicas are fewer than their replicas. */
export async function underReplicated(topics: string[]): Promise<string[]> {
  const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics }));
  return metadata.topics.flatMap((t) =>
    t.partitions.filter((p) => p.isr.length < p.replicas.length).map((p) => `${t.name}[${p.partitionId}] isr ${p.isr.join(',')}`),
  );
}

/** Waits until every partition of `topics` has all its replicas in sync again (between the steps of a rolling restart). */
export async function waitForInSync(topics: string[], timeoutMs = 120_000): Promise<void> {
  await waitFor(
    'every replica in sync',
    async () => (await underReplicated(topics).catch(() => ['metadata unavailable'])).length === 0,
    timeoutMs,
    500,
  );
}

/** The etcd member that leads the cluster now: asked of every member that answers, the one whose member id is the leader's. */
export async function etcdLeader(): Promise<EtcdMember> {
  const statuses = await Promise.all(
    etcdEndpoints()
      .split(',')
      .map((endpoint) =>
        exec('etcdctl', [`--endpoints=${endpoint}`, '--command-timeout=2s', 'endpoint', 'status', '-w', 'json'], {
          env: { ...process.env, ETCDCTL_API: '3' },
          timeout: 5000,
        }).then(
          ({ stdout }) =>
            JSON.parse(stdout) as Array<{ Endpoint: string; Status: { header: { member_id: number | string }; leader: number | string } }>,
          () => [],
        ),
      ),
  );
  const leading = statuses.flat().find((s) => String(s.Status.header.member_id) === String(s.Status.leader));
  if (!leading) throw new Error('no etcd member says it leads');
  return etcdMemberAt(leading.Endpoint);
}

/** The member name of an etcd client URL of the cluster stack (etcd-N listens on N2379). */
export function etcdMemberAt(endpoint: string): EtcdMember {
  const port = Number(new URL(endpoint).port);
  const index = (port - 2379) / 10_000;
  if (!Number.isInteger(index) || index < 1) throw new Error(`${endpoint} is no member of the cluster stack`);
  return `etcd-${index}`;
}
