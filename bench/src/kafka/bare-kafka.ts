import { KAFKAJS_CLIENT_OPTIONS } from '@gateway/messaging/kafka-settings';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

/** kafkajs error lines printed per process before they are only counted (an outage makes thousands). */
const MAX_PRINTED = 10;
let printed = 0;
let suppressed = 0;

/** kafkajs errors on stderr, one line each, the first few only; then every 1000th with a count. */
function limitedLog(): (entry: LogEntry) => void {
  return ({ namespace, log }: LogEntry) => {
    if (printed < MAX_PRINTED) {
      printed++;
      process.stderr.write(
        `kafkajs ${namespace}: ${log.message}${printed === MAX_PRINTED ? ' (further kafkajs errors only counted)' : ''}\n`,
      );
      return;
    }
    suppressed++;
    if (suppressed % 1000 === 0) process.stderr.write(`kafkajs: ${suppressed} more errors, last: ${namespace}: ${log.message}\n`);
  };
}

/**
 * A bare kafkajs client (none of the project's wrappers), the same library the services use, with
 * their client settings (timeouts, retries: @gateway/messaging's client-settings.ts).
 */
export function bareKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...KAFKAJS_CLIENT_OPTIONS,
    logLevel: logLevel.ERROR,
    logCreator: limitedLog,
  });
}

/** Creates fresh topics (3 partitions like the services' topics) and waits for their leaders. */
export async function createTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes topics; returns an error message instead of throwing (cleanup must go on). */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<string | undefined> {
  if (topics.length === 0) return undefined;
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 10_000 });
    return undefined;
  } catch (error) {
    return `could not delete topics ${topics.join(', ')}: ${(error as Error).message}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Topics whose name starts with `prefix`. */
export async function topicsWithPrefix(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes the consumer groups whose id contains `runId` (every group of a run carries it: the
 * services' under the topic prefix, ops' ingress group, the reply and echo groups). Best effort:
 * returns a message instead of throwing; groups that still have members are left alone.
 */
export async function deleteGroupsOf(kafka: Kafka, runId: string): Promise<string | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.includes(runId));
    if (ids.length > 0) await admin.deleteGroups(ids);
    return undefined;
  } catch (error) {
    // kafkajs names each group that could not be deleted, and why, in `groups`. A group already gone
    // (its topics were deleted, so the broker dropped it between the listing and the deletion) is fine.
    const groups = (error as { groups?: Array<{ groupId: string; error?: { type?: string; message?: string } }> }).groups ?? [];
    const failed = groups.filter((g) => g.error?.type !== 'GROUP_ID_NOT_FOUND');
    if (groups.length > 0 && failed.length === 0) return undefined;
    const which = failed.map((g) => `${g.groupId}: ${g.error?.type ?? g.error?.message ?? 'failed'}`).join(', ');
    return `could not delete the run's consumer groups: ${(error as Error).message}${which ? ` (${which})` : ''}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Live members of consumer groups, by group id (groups that do not exist are left out). */
export async function groupMembers(kafka: Kafka, groupIds: string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups(groupIds);
    const out: Record<string, number> = {};
    for (const g of groups) if (g.state !== 'Dead') out[g.groupId] = g.members.length;
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Ids of every consumer group of the cluster. */
export async function listGroupIds(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((g) => g.groupId);
  } finally {
    await admin.disconnect();
  }
}
