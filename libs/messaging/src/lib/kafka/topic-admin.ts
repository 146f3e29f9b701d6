import type { Logger } from 'pino';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { TopicAdmin, TopicSpec } from '../ports/topic-admin.port';

export type { TopicSpec } from '../ports/topic-admin.port';

/**
 * Creates the topics that are missing (contract §2: topics are created at start-up) and waits until
 * every partition of every topic has a leader. Several services starting at once may race to create
 * the same topic: "already exists" counts as success. A topic the broker refuses for good
 * (`MSG_TOPIC_REFUSED`) fails at once; anything else (a broker still starting) is retried until
 * `timeoutMs`. Existing topics are left as they are, whatever their partition count.
 */
export async function ensureTopics(admin: TopicAdmin, topics: TopicSpec[], logger: Logger, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  const names = topics.map((t) => t.topic);
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      const created = missing.length > 0 ? await admin.createTopics(missing) : [];
      if (created.length > 0) logger.info({ component: 'topics', created }, 'created topics');
      const layouts = await admin.describeTopics(names);
      if (layouts.length === names.length && layouts.every((t) => t.led)) {
        // A broker that is still starting is expected: one line once it is over, not one per retry.
        if (attempt > 1) logger.info({ component: 'topics', attempts: attempt, ms: Date.now() - started, lastError }, 'topics ready');
        return;
      }
      lastError = 'partitions without a leader yet';
    } catch (error) {
      if (error instanceof MessagingError && !error.retriable) throw error;
      lastError = error instanceof Error ? error.message : String(error);
      logger.debug({ component: 'topics', attempt, error: lastError }, 'topics not ready yet; retrying');
    }
    if (Date.now() - started > timeoutMs) {
      throw new MessagingError(
        MessagingErrorCodes.KAFKA_UNAVAILABLE,
        `topics ${names.join(', ')} not ready after ${timeoutMs} ms: ${lastError}`,
        { topic: names.join(',') },
      );
    }
    // A timer that keeps the process alive: at start-up nothing else may (the admin client is closed
    // between attempts), and the process would end silently, its start never finished.
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
  }
}

/** Partition count of `topic` as the broker knows it (0 when it does not know the topic). */
export async function partitionCount(admin: TopicAdmin, topic: string): Promise<number> {
  const [layout] = await admin.describeTopics([topic]);
  return layout?.partitions ?? 0;
}
