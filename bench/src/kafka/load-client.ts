/** One request message of the load side: produced to a request topic, answered on `replyTo`. */
export interface LoadMessage {
  key: string;
  value: string;
  replyTo: string;
}

export interface LoadHandlers {
  /** A message arrived on the reply topic: its key (the request id it carries, if any) and value. */
  onReply: (key: string | undefined, value: Buffer | null) => void;
  /** A produce request failed; `ids` are the requests it carried. */
  onFailure: (ids: string[], error: Error) => void;
}

/**
 * The load side of a Kafka series behind one interface, so that the same target, generator and
 * measurements drive either client (the floor's echoes and the gateway's `ops.req` alike): a
 * producer sending everything added in one event-loop turn as one produce request (acks from all
 * in-sync replicas), and a reply consumer with a group of its own reading the fresh reply topic
 * from its beginning.
 */
export interface KafkaLoadClient {
  /** Connects, and resolves once the reply consumer has joined its group. */
  start(handlers: LoadHandlers): Promise<void>;
  /** Queues `message` on `topic` for this turn's produce request; `id` names it in a failure. */
  add(id: string, topic: string, message: LoadMessage): void;
  stop(): Promise<void>;
}
