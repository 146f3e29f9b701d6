/** A topic a service needs, with its partition count. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** What the broker knows of a topic's partitions. */
export interface TopicLayout {
  topic: string;
  partitions: number;
  /** Every partition has a leader: the topic can be written and read. */
  led: boolean;
}

/**
 * Topic administration on one Kafka client (never on a hot path), and the removal of a consumer
 * group its owner is done with: the adapters speak their client's admin API and report errors as
 * MessagingErrors — `MSG_TOPIC_REFUSED` (not retriable) when the broker refuses a topic for good
 * (an invalid name, one that collides with an existing topic, no authorisation),
 * `MSG_KAFKA_UNAVAILABLE` (retriable) for anything else.
 */
export interface TopicAdmin {
  /** The names of the topics that exist. */
  listTopics(): Promise<string[]>;
  /** Creates `topics`; one that already exists counts as created by someone else. Resolves with those this call created. */
  createTopics(topics: TopicSpec[]): Promise<string[]>;
  /** The layout of each of `topics` the broker knows (a topic it does not know is left out). */
  describeTopics(topics: string[]): Promise<TopicLayout[]>;
  /**
   * Deletes consumer groups that have no members left (an `OpsClient`'s own group, on close); a
   * group that does not exist counts as deleted. One that still has members is not deleted: the
   * call rejects, and the group stays until its members are gone and the broker expires it.
   */
  deleteGroups(groupIds: string[]): Promise<void>;
}
