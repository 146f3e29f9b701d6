import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { type CommonConfig, type Env, readCommonConfig, readInt, readString } from '@gateway/messaging';

/** Settings of a chain service (contract §6 plus the chain's own). */
export interface ChainConfig extends CommonConfig {
  instanceId: string;
  /** TTL of the etcd lease (LEASE_TTL_SECONDS, default 10). */
  leaseTtlSeconds: number;
  /** Time limit of one handler call (HANDLER_TIMEOUT_MS, default 5000); the request deadline may cut it shorter. */
  handlerTimeoutMs: number;
  /** Requests handled at once (CHAIN_MAX_IN_FLIGHT, default 500). */
  maxInFlight: number;
  /** Port of /healthz, /readyz, /metrics (CHAIN_HTTP_PORT, default 0: any free port, logged). */
  httpPort: number;
  /** Bind address of that server (CHAIN_HTTP_HOST, default 0.0.0.0). */
  httpHost: string;
}

/** Reads a chain's settings; throws a MessagingError naming the variable when one is malformed. */
export function readChainConfig(env: Env = process.env): ChainConfig {
  return {
    ...readCommonConfig(env),
    instanceId: readString(env, 'INSTANCE_ID', `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    leaseTtlSeconds: readInt(env, 'LEASE_TTL_SECONDS', 10, 2, 3600),
    handlerTimeoutMs: readInt(env, 'HANDLER_TIMEOUT_MS', 5000, 1, 600_000),
    maxInFlight: readInt(env, 'CHAIN_MAX_IN_FLIGHT', 500, 1, 100_000),
    httpPort: readInt(env, 'CHAIN_HTTP_PORT', 0, 0, 65535),
    httpHost: readString(env, 'CHAIN_HTTP_HOST', '0.0.0.0'),
  };
}
