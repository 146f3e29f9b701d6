import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readCommonConfig, readInt, readString, TIMEOUT_MS_MAX, type CommonConfig, type Env } from '@gateway/messaging';

/** Settings of the ops gateway (contract §6 plus its own). */
export interface OpsConfig extends CommonConfig {
  httpPort: number;
  httpHost: string;
  /** Request timeout when a request names none (OPS_TIMEOUT_MS, default 3000). */
  defaultTimeoutMs: number;
  /** Requests gathered at once; beyond it HTTP gets 503 and `ops.req` consumption pauses (OPS_MAX_IN_FLIGHT, default 10000). */
  maxInFlight: number;
  /** Largest HTTP body, in bytes (OPS_MAX_BODY_BYTES, default 1 MiB): larger gets 413. */
  maxBodyBytes: number;
  instanceId: string;
  leaseTtlSeconds: number;
  /** Consumer group of `ops.req`, shared by all ops instances (OPS_GROUP_ID, default `ops` behind TOPIC_PREFIX). */
  groupId: string;
}

/** Reads the gateway's settings; throws a MessagingError naming the variable when one is malformed. */
export function readOpsConfig(env: Env = process.env): OpsConfig {
  const common = readCommonConfig(env);
  return {
    ...common,
    httpPort: readInt(env, 'OPS_HTTP_PORT', 8080, 0, 65535),
    httpHost: readString(env, 'OPS_HTTP_HOST', '0.0.0.0'),
    defaultTimeoutMs: readInt(env, 'OPS_TIMEOUT_MS', 3000, 1, TIMEOUT_MS_MAX),
    maxInFlight: readInt(env, 'OPS_MAX_IN_FLIGHT', 10_000, 1, 1_000_000),
    maxBodyBytes: readInt(env, 'OPS_MAX_BODY_BYTES', 1024 * 1024, 64, 64 * 1024 * 1024),
    instanceId: readString(env, 'INSTANCE_ID', `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    leaseTtlSeconds: readInt(env, 'LEASE_TTL_SECONDS', 10, 2, 3600),
    groupId: readString(env, 'OPS_GROUP_ID', `${common.topicPrefix}ops`),
  };
}
