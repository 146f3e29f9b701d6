import { Admin } from '@platformatic/kafka';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import { kafkaAccessRefusal } from './access-refusal';
import type { TopicAdmin, TopicLayout, TopicSpec } from '../ports/topic-admin.port';
import type { KafkaConnection } from '../security/kafka-security';
import { platformaticBaseOptions } from './platformatic.options';

/** @platformatic/kafka's admin client behind the {@link TopicAdmin} port: one short-lived client per call. */
export class PlatformaticTopicAdmin implements TopicAdmin {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly clientId: string,
  ) {}

  listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  createTopics(topics: TopicSpec[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const created: string[] = [];
      // One topic per request: "already exists" for one of them must not hide the others' outcome.
      for (const t of topics) {
        try {
          await admin.createTopics({ topics: [t.topic], partitions: t.numPartitions, replicas: -1 });
          created.push(t.topic);
        } catch (error) {
          if (!findBy(error, 'apiId', 'TOPIC_ALREADY_EXISTS')) throw error;
        }
      }
      return created;
    });
  }

  describeTopics(topics: string[]): Promise<TopicLayout[]> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      return [...metadata.topics].map(([topic, t]) => ({
        topic,
        partitions: t.partitionsCount,
        led: t.partitionsCount > 0 && t.partitions.every((p) => p.leader >= 0),
      }));
    });
  }

  deleteGroups(groupIds: string[]): Promise<void> {
    return this.withAdmin(async (admin) => {
      // One group per request, as with topics: "not found" for one must not hide the others' outcome.
      for (const group of groupIds) {
        try {
          await admin.deleteGroups({ groups: [group] });
        } catch (error) {
          // A group that is gone already (expired, or deleted by an operator) is what was asked for.
          if (!findBy(error, 'apiId', 'GROUP_ID_NOT_FOUND')) throw asGroupError(group, error);
        }
      }
    });
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Admin(platformaticBaseOptions(this.connection, `${this.clientId}-admin`));
    try {
      return await work(admin);
    } catch (error) {
      throw asTopicError(error);
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}

/** @platformatic/kafka's errors carry the broker's answer; `findBy` searches an error and those it wraps. */
function findBy(error: unknown, property: string, value: unknown): { message?: string } | null {
  const search = (error as { findBy?: (p: string, v: unknown) => { message?: string } | null } | undefined)?.findBy;
  return typeof search === 'function' ? search.call(error, property, value) : null;
}

/** Not deleting a group is never a refusal for good: it can be tried again once its members are gone. */
function asGroupError(group: string, error: unknown): MessagingError {
  const answer = findBy(error, 'canRetry', false)?.message ?? (error instanceof Error ? error.message : String(error));
  return new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, `deleting consumer group ${group} failed: ${answer}`, {}, error);
}

function asTopicError(error: unknown): MessagingError {
  if (error instanceof MessagingError) return error;
  const denied = kafkaAccessRefusal(error);
  if (denied) return denied;
  // A protocol error the broker marks as not worth retrying (INVALID_TOPIC_EXCEPTION, TOPIC_AUTHORIZATION_FAILED …).
  const refused = findBy(error, 'canRetry', false);
  const message = error instanceof Error ? error.message : String(error);
  return refused
    ? new MessagingError(MessagingErrorCodes.TOPIC_REFUSED, `the broker refused the topic: ${refused.message ?? message}`, {}, error)
    : new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, `topic administration failed: ${message}`, {}, error);
}
