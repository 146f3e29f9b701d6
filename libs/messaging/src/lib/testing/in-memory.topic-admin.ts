import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { TopicAdmin, TopicLayout, TopicSpec } from '../ports/topic-admin.port';

/**
 * A {@link TopicAdmin} over a map, for unit tests: topics appear led at once, names in `refused`
 * are refused for good (`MSG_TOPIC_REFUSED`), and `unavailable` makes every call fail as a broker
 * that is away would (`MSG_KAFKA_UNAVAILABLE`).
 */
export class InMemoryTopicAdmin implements TopicAdmin {
  readonly topics = new Map<string, number>();
  readonly refused = new Set<string>();
  unavailable = false;
  /** Every topic a createTopics call was asked for, in order. */
  readonly createRequests: string[] = [];

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

  private check(): void {
    if (this.unavailable) throw new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'broker unreachable');
  }
}
