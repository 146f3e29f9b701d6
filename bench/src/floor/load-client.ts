/** One request message of the floor: produced to a request topic, echoed to `replyTo`. */
export interface FloorMessage {
  key: string;
  value: string;
  replyTo: string;
}

export interface FloorLoadHandlers {
  /** An echo arrived on the reply topic; `key` is the request id it carries. */
  onEcho: (key: string | undefined) => void;
  /** A produce request failed; `ids` are the requests it carried. */
  onFailure: (ids: string[], error: Error) => void;
}

/**
 * The load side of the floor behind one interface, so that the same target, generator and
 * measurements drive either client: a producer sending everything added in one event-loop turn
 * as one produce request (acks from all in-sync replicas), and a reply consumer with a group of
 * its own reading the fresh reply topic from its beginning.
 */
export interface FloorLoadClient {
  /** Connects, and resolves once the reply consumer has joined its group. */
  start(handlers: FloorLoadHandlers): Promise<void>;
  /** Queues `message` on `topic` for this turn's produce request; `id` names it in a failure. */
  add(id: string, topic: string, message: FloorMessage): void;
  stop(): Promise<void>;
}
