import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { InboundMessage } from '../ports/inbound-message';
import type { CommitOffset, ConsumerSource, ConsumerSourceOptions, Deliver } from '../ports/kafka-transport.port';
import type { LogPort } from '../ports/log.port';
import { KAFKA_CLIENT_SETTINGS } from './client-settings';
import { delay, READY_FETCH_AGE_MS } from './consumer-timing';
import { fixedPartitionsAssigner } from './fixed-partitions.assigner';
import { KAFKAJS_CONSUMER_OPTIONS } from './kafkajs.options';

const PARTITIONS_AT_ONCE = 16;
/** While a message waits for room, `heartbeat()` is called this often (kafkajs sends one only once its interval has passed). */
const HEARTBEAT_WHILE_WAITING_MS = KAFKA_CLIENT_SETTINGS.group.heartbeatIntervalMs;

/**
 * A kafkajs consumer as a {@link ConsumerSource}: `eachBatch` hands every message over in order,
 * waits (heartbeating) while the owner is at its in-flight limit, and paces fetches.
 */
export class KafkajsConsumerSource implements ConsumerSource {
  private readonly consumer: Consumer;
  private readonly log: LogPort;
  private joined = false;
  private lastFetchAt = 0;
  private fetchStartedAt = 0;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerSourceOptions,
  ) {
    this.log = options.logger;
    const { fixedPartitions, topic } = options;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      minBytes: options.fetch.minBytes,
      maxWaitTimeInMs: options.fetch.maxWaitMs,
      ...KAFKAJS_CONSUMER_OPTIONS,
      ...(fixedPartitions ? { partitionAssigners: [fixedPartitionsAssigner(topic, fixedPartitions)] } : {}),
    });
  }

  get ready(): boolean {
    return !this.closing && this.joined && Date.now() - this.lastFetchAt < READY_FETCH_AGE_MS;
  }

  async start(deliver: Deliver, onDead: (error: Error) => void): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.joined = true;
      this.log.info({ assignment: event.payload.memberAssignment }, 'joined group');
      this.options.onAssigned?.(event.payload.memberAssignment[this.options.topic] ?? []);
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.joined = false;
    });
    consumer.on(consumer.events.FETCH_START, () => {
      this.fetchStartedAt = Date.now();
    });
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.joined = false;
      this.log.error({ err: error, restart }, 'consumer crashed');
      if (!restart && !this.closing) onDead(error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition's batch of a fetch is dispatched at once, so the pacing wait at the end of
      // eachBatch delays the next fetch, not the other partitions' messages.
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      eachBatch: (payload) => this.eachBatch(payload, deliver),
    });
  }

  stopFetching(): void {
    this.consumer.pause([{ topic: this.options.topic }]);
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    await this.consumer.commitOffsets(offsets);
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= (async () => {
      await this.consumer.stop().catch((error: unknown) => this.log.warn({ err: error }, 'stop failed'));
      await this.consumer.disconnect().catch((error: unknown) => this.log.warn({ err: error }, 'disconnect failed'));
    })();
    return this.closed;
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, deliver: Deliver): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.closing) return;
      const inbound = toInbound(batch.topic, batch.partition, message);
      // At the in-flight limit the message waits (the group must still hear from us), then is offered again.
      for (let full = deliver(inbound); full; full = deliver(inbound)) {
        await heartbeatUntil(full, heartbeat);
        if (!isRunning() || isStale() || this.closing) return;
      }
      resolveOffset(message.offset);
    }
    // kafkajs fetches again once every batch of this fetch returned: pace it (FetchSettings.pacingMs).
    const wait = this.fetchStartedAt + this.options.fetch.pacingMs - Date.now();
    if (wait > 0 && !this.closing) await delay(wait);
  }
}

async function heartbeatUntil(done: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    await Promise.race([done, delay(HEARTBEAT_WHILE_WAITING_MS)]);
    if (!finished) await heartbeat();
  }
}

function toInbound(topic: string, partition: number, message: KafkaMessage): InboundMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: stringHeaders(message.headers),
    timestamp: Number(message.timestamp),
  };
}

/** Kafka headers as strings (contract §3); a header given twice keeps its last value. */
export function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString('utf8');
  }
  return out;
}
