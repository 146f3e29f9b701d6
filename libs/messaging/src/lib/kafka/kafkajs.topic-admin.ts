import type { Admin, Kafka } from 'kafkajs';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { kafkaAccessRefusal } from './access-refusal';
import type { TopicAdmin, TopicLayout, TopicSpec } from '../ports/topic-admin.port';

/** kafkajs' admin client behind the {@link TopicAdmin} port: one short-lived connection per call. */
export class KafkajsTopicAdmin implements TopicAdmin {
  constructor(private readonly kafka: Kafka) {}

  listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  createTopics(topics: TopicSpec[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const specs = topics.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: -1 }));
      try {
        // false: every topic existed already (another service created it first).
        return (await admin.createTopics({ waitForLeaders: false, topics: specs })) ? topics.map((t) => t.topic) : [];
      } catch (error) {
        if (innerErrors(error).every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return [];
        throw error;
      }
    });
  }

  describeTopics(topics: string[]): Promise<TopicLayout[]> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics });
      return metadata.topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.length,
        led: t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      }));
    });
  }

  deleteGroups(groupIds: string[]): Promise<void> {
    return this.withAdmin(async (admin) => {
      try {
        await admin.deleteGroups(groupIds);
      } catch (error) {
        // A group that is gone already (expired, or deleted by an operator) is what was asked for.
        const groups = (error as { groups?: Array<{ error?: KafkajsAnswer }> }).groups;
        if (!groups?.length || !groups.every((g) => g.error?.type === 'GROUP_ID_NOT_FOUND')) throw asGroupError(error);
      }
    });
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      return await work(admin);
    } catch (error) {
      throw asTopicError(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** A kafkajs error as broker answers: itself, or the errors a KafkaJSAggregateError carries. */
type KafkajsAnswer = { type?: string; retriable?: boolean; message?: string };

function innerErrors(error: unknown): KafkajsAnswer[] {
  const e = error as KafkajsAnswer & { errors?: KafkajsAnswer[] };
  return Array.isArray(e.errors) && e.errors.length > 0 ? e.errors : [e];
}

/** The broker's refusals that trying again cannot change. */
const REFUSALS = new Set([
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'POLICY_VIOLATION',
]);

/** Not deleting a group is never a refusal for good: it can be tried again once its members are gone. */
function asGroupError(error: unknown): MessagingError {
  const reasons = (error as { groups?: Array<{ groupId: string; error?: KafkajsAnswer }> }).groups?.map(
    (g) => `${g.groupId}: ${g.error?.type ?? g.error?.message ?? 'failed'}`,
  );
  const message = reasons?.join(', ') ?? (error instanceof Error ? error.message : String(error));
  return new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, `deleting consumer groups failed: ${message}`, {}, error);
}

function asTopicError(error: unknown): MessagingError {
  if (error instanceof MessagingError) return error;
  const denied = kafkaAccessRefusal(error);
  if (denied) return denied;
  const refused = innerErrors(error).find((e) => e.type !== undefined && REFUSALS.has(e.type));
  const message = error instanceof Error ? error.message : String(error);
  return refused
    ? new MessagingError(MessagingErrorCodes.TOPIC_REFUSED, `the broker refused the topic: ${refused.message ?? refused.type}`, {}, error)
    : new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, `topic administration failed: ${message}`, {}, error);
}
