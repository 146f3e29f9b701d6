/** A message to publish: the topic, the key (the uid), the value and string headers. */
export interface OutgoingMessage {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  /** A fixed partition; otherwise the key decides. */
  partition?: number;
}

/** How one publish is retried. */
export interface PublishOptions {
  /**
   * Until when (ms since the epoch) a failure worth retrying — no leader for a partition while a
   * broker is replaced, a connection refused — is retried, these messages alone, instead of failing
   * the publish: a request's deadline. Without it the client's own short retries are all.
   */
  retryUntil?: number;
  /** Called with the error each time a send of this publish failed and it is to be sent again. */
  onRetry?: (error: Error) => void;
}

/** Publishes messages; resolves once the broker acknowledged all of them, rejects otherwise. */
export interface Publisher {
  publish(messages: OutgoingMessage[], options?: PublishOptions): Promise<void>;
}
