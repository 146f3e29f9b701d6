import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { TopicAdmin, TopicLayout, TopicSpec } from '../ports/topic-admin.port';

/**
 * A {@link TopicAdmin} over maps, for unit tests: topics appear led at once, names in `refused`
 * are refused for good (`MSG_TOPIC_REFUSED`), and `unavailable` makes every call fail as a broker
 * that is away would (`MSG_KAFKA_UNAVAILABLE`). `groups` holds the consumer groups with their
 * member count (the sources of an `InMemoryTransport` join and leave them); as on a broker, a group
 * stays when its last member leaves, until it is deleted.
 */
export class InMemoryTopicAdmin implements TopicAdmin {
  readonly topics = new Map<string, number>();
  readonly refused = new Set<string>();
  unavailable = false;
  /** Every topic a createTopics call was asked for, in order. */
  readonly createRequests: string[] = [];
  /** Consumer groups by id, with the number of members each has now. */
  readonly groups = new Map<string, number>();

  async listTopics(): Promise<string[]> {
    this.check();
    return [...this.topics.keys()];
  }

  async createTopics(topics: TopicSpec[]): Promise<string[]> {
    this.check();
    const created: string[] = [];
    for (const { topic, numPartitions } of topics) {
      this.createRequests.push(topic);
      if (this.refused.has(topic)) throw new MessagingError(MessagingErrorCodes.TOPIC_REFUSED, `the broker refused the topic ${topic}`);
      if (this.topics.has(topic)) continue;
      this.topics.set(topic, numPartitions);
      created.push(topic);
    }
    return created;
  }

  async describeTopics(topics: string[]): Promise<TopicLayout[]> {
    this.check();
    return topics.flatMap((topic) => {
      const partitions = this.topics.get(topic);
      return partitions === undefined ? [] : [{ topic, partitions, led: true }];
    });
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    this.check();
    const busy = groupIds.filter((id) => (this.groups.get(id) ?? 0) > 0);
    if (busy.length > 0) throw new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, `groups still have members: ${busy.join(', ')}`);
    groupIds.forEach((id) => this.groups.delete(id));
  }

  private check(): void {
    if (this.unavailable) throw new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'broker unreachable');
  }
}
