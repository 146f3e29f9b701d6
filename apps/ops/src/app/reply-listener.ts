import {
  checkKey,
  decodeJson,
  MessageConsumer,
  validateChainReply,
  type ChainReply,
  type DeadLetterQueue,
  type ScatterGatherAggregator,
} from '@gateway/messaging';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { OpsMetrics } from './ops.metrics';

/** Options of {@link createReplyListener}. */
export interface ReplyListenerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  aggregator: ScatterGatherAggregator;
  deadLetters: DeadLetterQueue;
  metrics: OpsMetrics;
  logger: Logger;
  maxMessageBytes: number;
  consumerConfig?: Partial<ConsumerConfig>;
  /** Fetch pacing in ms (see MessageConsumerOptions.fetchPacingMs). */
  fetchPacingMs?: number;
}

/**
 * The consumer of `ops.resp`: hands every valid reply to the aggregator, counts the ones it drops
 * (late, duplicate, unknown uid) and dead-letters what breaks contract §3. It uses a group of its
 * own instance and starts at the latest offset: replies are only ever for requests it sent after.
 */
export function createReplyListener(options: ReplyListenerOptions): MessageConsumer<ChainReply> {
  const { aggregator, metrics, logger } = options;
  return new MessageConsumer<ChainReply>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    logger,
    commit: false,
    maxInFlight: 100_000,
    deadLetters: options.deadLetters,
    consumerConfig: options.consumerConfig ?? {},
    fetchPacingMs: options.fetchPacingMs ?? 0,
    decode: (message) => {
      const json = decodeJson(message.value, options.maxMessageBytes);
      return json.ok ? checkKey(message.key, validateChainReply(json.value)) : json;
    },
    handle: async (reply) => {
      const outcome = aggregator.offer(reply);
      if (outcome !== 'accepted') {
        metrics.repliesDropped.inc({ reason: outcome });
        logger.info({ uid: reply.uid, service: reply.service, outcome }, 'reply dropped');
      }
    },
  });
}
