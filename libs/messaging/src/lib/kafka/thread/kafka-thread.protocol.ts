import type { KafkaSecurityData } from '../kafka-security.options';
import type { LogFormat } from '../../config/common.config';
import type { CommitOffset, FetchSettings } from '../../ports/kafka-transport.port';
import type { OutgoingMessage } from '../../ports/publisher.port';

/**
 * What the service's thread and its Kafka thread say to each other (kafka-thread.host.ts,
 * threaded.transport.ts). Producers and consumers are named by an id the service's side gives;
 * calls that answer carry a `call` number the answer repeats.
 */
export type ToKafkaThread =
  | { t: 'producer'; id: number }
  | { t: 'consumer'; id: number; options: ThreadConsumerOptions }
  | { t: 'connect'; id: number; call: number }
  | { t: 'send'; id: number; call: number; messages: OutgoingMessage[] }
  | { t: 'disconnect'; id: number; call: number }
  | { t: 'start'; id: number; call: number }
  /** Whether the consumer's messages may flow (backpressure from the service's in-flight limit). */
  | { t: 'flow'; id: number; open: boolean }
  | { t: 'stopFetching'; id: number }
  | { t: 'commit'; id: number; call: number; offsets: CommitOffset[] }
  | { t: 'close'; id: number; call: number };

export type FromKafkaThread =
  | { t: 'result'; call: number; error?: ThreadError }
  /** A producer's `connected` or a consumer's `ready` changed. */
  | { t: 'state'; id: number; up: boolean }
  | { t: 'messages'; id: number; messages: ThreadMessage[] }
  | { t: 'dead'; id: number; error: ThreadError };

/** A consumer's options that cross threads (the logger and a partition function do not). */
export interface ThreadConsumerOptions {
  groupId: string;
  topic: string;
  fetch: FetchSettings;
  fixedPartitions?: number[];
}

/** An error as it crosses: enough to rebuild its message and the publisher's decision. */
export interface ThreadError {
  name: string;
  message: string;
  /** The broker refused the request itself (ProduceClient.isRefusal). */
  refusal: boolean;
}

/** An inbound message as it crosses: bytes as Uint8Array copies of their own (not views of a fetch buffer). */
export interface ThreadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
  timestamp: number;
}

/** What a Kafka thread is started with (`workerData`). */
export interface KafkaThreadData {
  role: typeof KAFKA_THREAD_ROLE;
  client: 'kafkajs' | 'platformatic';
  brokers: string[];
  security: KafkaSecurityData;
  clientId: string;
  service: string;
  logLevel: string;
  logFormat: LogFormat;
}

/** `workerData.role` of a Kafka thread: the service's entry point runs the host instead of the service. */
export const KAFKA_THREAD_ROLE = 'kafka-io';
