import type { CommonConfig } from '../config/common.config';
import { describeEtcdSecurity } from './etcd-security';
import { describeKafkaSecurity } from './kafka-security';

/**
 * How a service talks to Kafka and etcd, for its "started" log line: protocols, mechanisms and
 * users, never a password or a key.
 */
export function describeSecurity(config: Pick<CommonConfig, 'kafkaSecurity' | 'etcdSecurity'>): Record<string, unknown> {
  return { kafka: describeKafkaSecurity(config.kafkaSecurity), etcd: describeEtcdSecurity(config.etcdSecurity) };
}
