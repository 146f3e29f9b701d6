/** A consumed Kafka message, reduced to what the handlers and the dead-letter queue need. */
export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's timestamp, epoch ms: when the producer made it (CreateTime) or the broker appended it (LogAppendTime). */
  timestamp: number;
}
