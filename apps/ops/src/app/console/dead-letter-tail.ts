import { Headers, type InboundMessage } from '@gateway/messaging';
import type { ConsoleDeadLetter } from './console.events';

/** Bytes of a dead letter's value the console shows. */
export const VALUE_HEAD_BYTES = 256;

/** A record of `ops.dlq` as the console shows it: its `dlq-*` headers and the head of its value. */
export function toConsoleDeadLetter(message: InboundMessage): ConsoleDeadLetter {
  const h = message.headers;
  const value = message.value ?? Buffer.alloc(0);
  return {
    at: message.timestamp,
    reason: h[Headers.DLQ_REASON] ?? '(no dlq-reason header)',
    service: h[Headers.DLQ_SERVICE] ?? '',
    sourceTopic: h[Headers.DLQ_SOURCE_TOPIC] ?? '',
    sourcePartition: Number(h[Headers.DLQ_SOURCE_PARTITION] ?? -1),
    sourceOffset: h[Headers.DLQ_SOURCE_OFFSET] ?? '',
    key: message.key ? message.key.toString('utf8') : null,
    // Cut on a byte count, then decoded: a character split at the end shows as U+FFFD, never as markup.
    valueHead: value.subarray(0, VALUE_HEAD_BYTES).toString('utf8'),
    valueBytes: value.length,
  };
}

/** The latest dead letters, newest first, at most `capacity`. */
export class DeadLetterTail {
  private entries: ConsoleDeadLetter[] = [];

  constructor(readonly capacity = 100) {}

  add(entry: ConsoleDeadLetter): void {
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  latest(): ConsoleDeadLetter[] {
    return [...this.entries];
  }
}
