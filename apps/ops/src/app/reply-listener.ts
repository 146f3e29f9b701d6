import {
  checkKey,
  decodeJson,
  Headers,
  MessageConsumer,
  NO_OUTPUT,
  validateChainReply,
  type ChainReply,
  type DeadLetterQueue,
  type FetchSettings,
  type KafkaTransport,
  type Publisher,
  type ScatterGatherAggregator,
} from '@gateway/messaging';
import type { Logger } from 'pino';
import type { OpsMetrics } from './ops.metrics';

/** Options of {@link createReplyListener}. */
export interface ReplyListenerOptions {
  transport: KafkaTransport;
  topic: string;
  groupId: string;
  aggregator: ScatterGatherAggregator;
  /** Publishes dead letters (a reply needs no answer). */
  publisher: Publisher;
  deadLetters: DeadLetterQueue;
  metrics: OpsMetrics;
  logger: Logger;
  maxMessageBytes: number;
  /** Fetch settings (see MessageConsumerOptions.fetch). */
  fetch?: Partial<FetchSettings>;
  /** The partitions of `topic` to read (the one claimed in etcd). */
  partitions: () => number[];
  /** Called for every reply the aggregator accepted, with the instance that sent it (header `instance-id`). */
  onAccepted?: (reply: ChainReply, instance: string | undefined) => void;
}

/**
 * The consumer of `ops.resp`: hands every valid reply to the aggregator, counts the ones it drops
 * (late, duplicate, unknown uid) and dead-letters what breaks contract §3. It uses a group of its
 * own instance and starts at the latest offset: replies are only ever for requests it sent after.
 * It commits what it read, so that a consumer rebuilt after a broker failure goes on from there
 * and misses no reply written meanwhile.
 */
export function createReplyListener(options: ReplyListenerOptions): MessageConsumer<ChainReply> {
  const { aggregator, metrics, logger } = options;
  return new MessageConsumer<ChainReply>({
    transport: options.transport,
    groupId: options.groupId,
    topic: options.topic,
    logger,
    commit: true,
    maxInFlight: 100_000,
    publisher: options.publisher,
    deadLetters: options.deadLetters,
    fetch: options.fetch ?? {},
    fixedPartitions: options.partitions,
    decode: (message) => {
      const json = decodeJson(message.value, options.maxMessageBytes);
      return json.ok ? checkKey(message.key, validateChainReply(json.value)) : json;
    },
    handle: (reply, message) => {
      const outcome = aggregator.offer(reply);
      if (outcome === 'accepted') options.onAccepted?.(reply, message.headers[Headers.INSTANCE_ID]);
      else {
        metrics.repliesDropped.inc({ reason: outcome });
        logger.info({ uid: reply.uid, service: reply.service, outcome }, 'reply dropped');
      }
      return NO_OUTPUT;
    },
  });
}
