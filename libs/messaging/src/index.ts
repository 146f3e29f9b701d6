// Contract §3 messages and their validation (no Kafka needed).
export * from './lib/contract/aggregate';
export * from './lib/contract/chain-reply';
export * from './lib/contract/chain-request';
export * from './lib/contract/headers';
export * from './lib/contract/json-value';
export * from './lib/contract/message-key';
export * from './lib/contract/ops-answer';
export * from './lib/contract/ops-request';
export * from './lib/contract/ops-request.schema';
export * from './lib/contract/result';
export * from './lib/contract/uid';
export * from './lib/errors/messaging.errors';

// The scatter-gather domain (no Kafka needed).
export * from './lib/aggregator/completion-rule';
export * from './lib/aggregator/scatter-gather.aggregator';
export * from './lib/consumer/offset-tracker';

// Ports.
export * from './lib/ports/inbound-message';
export * from './lib/ports/log.port';
export * from './lib/ports/publisher.port';
export * from './lib/ports/kafka-transport.port';
export * from './lib/ports/topic-admin.port';

// Configuration and logging.
export * from './lib/config/common.config';
export * from './lib/config/env';
export * from './lib/security/describe-security';
export * from './lib/security/etcd-security';
export * from './lib/security/kafka-security';
export * from './lib/security/secret';
export * from './lib/security/tls-files';
export * from './lib/logging/logger';

// Kafka adapters.
export * from './lib/kafka/dead-letter.queue';
export * from './lib/kafka/fixed-partitions.assigner';
export * from './lib/kafka/kafka-client';
export * from './lib/kafka/kafka-transport';
export * from './lib/kafka/kafkajs.consumer-source';
export * from './lib/kafka/kafkajs.topic-admin';
export * from './lib/kafka/kafkajs.produce-client';
export * from './lib/kafka/platformatic.consumer-source';
export * from './lib/kafka/platformatic.topic-admin';
export * from './lib/kafka/platformatic.produce-client';
export * from './lib/kafka/kafka.publisher';
export * from './lib/kafka/key-hash.partitioner';
export * from './lib/kafka/message-consumer';
export * from './lib/kafka/topic-admin';
export * from './lib/kafka/thread/kafka-thread';

// Observability.
export * from './lib/observability/tracing';

// Process lifecycle and the client of ops.
export * from './lib/client/ops.client';
