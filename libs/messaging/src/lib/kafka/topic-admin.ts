import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/** A topic a service needs, with its partition count. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates the topics that are missing (contract §2: topics are created at start-up) and waits until
 * every partition of every topic has a leader. Several services starting at once may race to create
 * the same topic: "already exists" counts as success. Other errors (a broker still starting) are
 * retried until `timeoutMs`. Existing topics are left as they are, whatever their partition count.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], logger: Logger, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  const started = Date.now();
  const until = started + timeoutMs;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length > 0) {
        await admin
          .createTopics({
            waitForLeaders: false,
            topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: -1 })),
          })
          .then(
            // false: another service created them first (listTopics had not seen them yet).
            (created) => created && logger.info({ component: 'topics', created: missing.map((t) => t.topic) }, 'created topics'),
            (error: unknown) => {
              if (!alreadyExists(error)) throw error;
            },
          );
      }
      if (
        await leadersElected(
          admin,
          topics.map((t) => t.topic),
        )
      ) {
        // A broker that is still starting is expected: one line once it is over, not one per retry.
        if (attempt > 1) logger.info({ component: 'topics', attempts: attempt, ms: Date.now() - started, lastError }, 'topics ready');
        return;
      }
      lastError = 'partitions without a leader yet';
    } catch (error) {
      if (Date.now() > until) throw error;
      lastError = error instanceof Error ? error.message : String(error);
      logger.debug({ component: 'topics', attempt, error: lastError }, 'topics not ready yet; retrying');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > until) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
  }
}

function alreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: Array<{ type?: string }> };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}

async function leadersElected(admin: Admin, topics: string[]): Promise<boolean> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  return (
    metadata.topics.length === topics.length &&
    metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
  );
}

/** Partition count of `topic` as the broker knows it. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
