/** A message to publish: the topic, the key (the uid), the value and string headers. */
export interface OutgoingMessage {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  /** A fixed partition; otherwise the key decides. */
  partition?: number;
}

/** Publishes messages; resolves once the broker acknowledged all of them, rejects otherwise. */
export interface Publisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}
