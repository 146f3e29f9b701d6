import { PartitionClaim, type Etcd3 } from '@gateway/discovery';
import { partitionCount, type ChainReply, type MessageConsumer, type ScatterGatherAggregator } from '@gateway/messaging';
import type { Logger } from 'pino';
import type { OpsConfig } from './ops.config';
import type { OpsMetrics } from './ops.metrics';
import type { KafkaParts } from './parts/kafka.parts';
import { createReplyListener, type ReplyListenerOptions } from './reply-listener';

/** The etcd prefix of the claims of `topic`'s partitions: one key per partition below it, valued with the owner's instance id. */
export function replyClaimsPrefix(topic: string): string {
  return `/reply-partitions/${topic}/`;
}

/** What {@link ReplyPartition} is built with. */
export interface ReplyPartitionOptions {
  config: OpsConfig;
  etcd: Etcd3;
  kafka: KafkaParts;
  aggregator: ScatterGatherAggregator;
  metrics: OpsMetrics;
  logger: Logger;
  /** True once ops is closing: a partition claimed again is then no longer read. */
  closing: () => boolean;
  /** See {@link ReplyListenerOptions.onAccepted}. */
  onAccepted?: ReplyListenerOptions['onAccepted'];
}

/**
 * The partition of `ops.resp` this instance reads: claimed in etcd (contract §3 `reply-partition`;
 * see docs/architecture.md) and read with a consumer group of this instance alone, so every reply
 * to this instance's broadcasts reaches it and no other. If the claim is lost and a different
 * partition is claimed again, requests waiting for replies on the old one are ended at once.
 */
export class ReplyPartition {
  private claim: PartitionClaim | undefined;
  private replies: MessageConsumer<ChainReply> | undefined;
  /** The partition the reply consumer reads. */
  private listening: number | undefined;

  constructor(private readonly options: ReplyPartitionOptions) {}

  /** The partition claimed, once it is (the `reply-partition` of every broadcast). */
  get partition(): number | undefined {
    return this.claim?.partition;
  }

  /** True while the reply consumer holds its partition and Kafka answers. */
  get ready(): boolean {
    return this.replies?.ready ?? false;
  }

  /** Claims a partition (waiting while every one is taken) and resolves once its replies are read. */
  async start(): Promise<void> {
    const { config, kafka, logger } = this.options;
    const topic = config.topics.opsResp;
    const claim = new PartitionClaim({
      client: this.options.etcd,
      prefix: replyClaimsPrefix(topic),
      partitions: await partitionCount(kafka.transport.admin, topic),
      owner: config.instanceId,
      ttlSeconds: config.leaseTtlSeconds,
      logger,
    });
    this.claim = claim;
    await this.listenOn(await claim.start(config.shutdownGraceMs * 4));
    claim.on('claimed', (partition: number) => {
      this.listenOn(partition).catch((error: unknown) =>
        logger.error({ err: error, partition }, 'could not read the reply partition claimed again'),
      );
    });
  }

  /** Stops reading replies, then gives the partition back. */
  async close(): Promise<void> {
    await this.replies?.close(0);
    await this.claim?.close();
  }

  private async listenOn(partition: number): Promise<void> {
    if (this.listening === partition || this.options.closing()) return;
    const { config, kafka, aggregator, metrics, logger } = this.options;
    const previous = this.replies;
    if (previous) {
      const ended = aggregator.abandonAll();
      logger.warn({ from: this.listening, to: partition, ended }, 'reply partition changed: requests waiting on the old one were ended');
      await previous.close(0);
    }
    this.listening = partition;
    this.replies = createReplyListener({
      transport: kafka.transport,
      topic: config.topics.opsResp,
      groupId: `${config.topicPrefix}ops-replies-${config.instanceId}`,
      aggregator,
      publisher: kafka.publisher,
      deadLetters: kafka.deadLetters,
      metrics,
      logger,
      maxMessageBytes: config.maxMessageBytes,
      fetch: kafka.fetch,
      partitions: () => [partition],
      onAccepted: this.options.onAccepted,
    });
    metrics.replyPartition.set(partition);
    await this.replies.start();
    logger.info({ partition }, 'listening for replies');
  }
}
