import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  readChoice,
  readCommonConfig,
  readInt,
  readNumber,
  readString,
  readTlsFiles,
  TIMEOUT_MS_MAX,
  type CommonConfig,
  type Env,
} from '@gateway/messaging';
import { readApiTokens, type ApiTokens } from './http/api-tokens';
import { HTTP_LIMITS_DEFAULTS as LIMITS, type HttpLimits } from './http/server-limits';
import type { ServerTls } from './http/http.server';

/** Settings of the ops gateway (contract §6 plus its own). */
export interface OpsConfig extends CommonConfig {
  httpPort: number;
  httpHost: string;
  /** Request timeout when a request names none (OPS_TIMEOUT_MS, default 3000). */
  defaultTimeoutMs: number;
  /** The most requests ever gathered at once, whatever the admission limit learns (OPS_MAX_IN_FLIGHT, default 10000). */
  maxInFlight: number;
  /** How the admission limit is set (OPS_ADMISSION): learnt from latency (`adaptive`, the default) or OPS_MAX_IN_FLIGHT (`fixed`). */
  admission: 'adaptive' | 'fixed';
  /** The adaptive limit never goes below this (OPS_ADMISSION_MIN_LIMIT, default 32) … */
  admissionMinLimit: number;
  /** … starts here (OPS_ADMISSION_INITIAL_LIMIT, default 128) … */
  admissionInitialLimit: number;
  /** … and shrinks once latency is this many times its no-load value (OPS_ADMISSION_TOLERANCE, default 3). */
  admissionTolerance: number;
  /** How far an `ops.req` producer's clock may lag ops' before its requests' time is cut short (OPS_MAX_CLOCK_SKEW_MS, default 500). */
  maxClockSkewMs: number;
  /** Connections the kernel queues for ops' HTTP listener before accepting (OPS_HTTP_BACKLOG, default 4096; capped by net.core.somaxconn). */
  httpBacklog: number;
  /** The Kafka clients run on a thread of their own, off the loop that serves HTTP (OPS_KAFKA_THREAD, default true). */
  kafkaThread: boolean;
  /** Largest HTTP body, in bytes (OPS_MAX_BODY_BYTES, default 1 MiB): larger gets 413. */
  maxBodyBytes: number;
  instanceId: string;
  leaseTtlSeconds: number;
  /** Consumer group of `ops.req`, shared by all ops instances (OPS_GROUP_ID, default `ops` behind TOPIC_PREFIX). */
  groupId: string;
  /** The bearer tokens `POST /requests` needs (OPS_API_TOKENS_FILE); none: it is open. */
  apiTokens: ApiTokens | undefined;
  /** The operator endpoints' own listener (OPS_ADMIN_PORT, OPS_ADMIN_HOST default 127.0.0.1); none: on the public one. */
  admin: { port: number; host: string } | undefined;
  /** OPS_HTTP_HEADERS_TIMEOUT_MS, OPS_HTTP_REQUEST_TIMEOUT_MS, OPS_HTTP_MAX_HEADER_BYTES, OPS_HTTP_MAX_CONNECTIONS_PER_CLIENT. */
  httpLimits: HttpLimits;
  /** HTTPS (OPS_TLS_CERT_FILE and OPS_TLS_KEY_FILE, PEM, both or neither); none: HTTP. */
  tls: ServerTls | undefined;
  /** The operator console at /console (OPS_CONSOLE, default true) and the requests it keeps (OPS_CONSOLE_RING, default 1000). */
  console: { enabled: boolean; ringSize: number };
}

/** Reads the gateway's settings; throws a MessagingError naming the variable when one is malformed. */
export function readOpsConfig(env: Env = process.env): OpsConfig {
  const common = readCommonConfig(env);
  const maxInFlight = readInt(env, 'OPS_MAX_IN_FLIGHT', 10_000, 1, 1_000_000);
  const admissionMinLimit = readInt(env, 'OPS_ADMISSION_MIN_LIMIT', Math.min(32, maxInFlight), 1, maxInFlight);
  return {
    ...common,
    httpPort: readInt(env, 'OPS_HTTP_PORT', 8080, 0, 65535),
    httpHost: readString(env, 'OPS_HTTP_HOST', '0.0.0.0'),
    defaultTimeoutMs: readInt(env, 'OPS_TIMEOUT_MS', 3000, 1, TIMEOUT_MS_MAX),
    maxInFlight,
    admission: readChoice(env, 'OPS_ADMISSION', 'adaptive', ['adaptive', 'fixed'] as const),
    admissionMinLimit,
    admissionInitialLimit: readInt(
      env,
      'OPS_ADMISSION_INITIAL_LIMIT',
      Math.min(maxInFlight, Math.max(admissionMinLimit, 128)),
      admissionMinLimit,
      maxInFlight,
    ),
    admissionTolerance: readNumber(env, 'OPS_ADMISSION_TOLERANCE', 3, 1, 100),
    maxClockSkewMs: readInt(env, 'OPS_MAX_CLOCK_SKEW_MS', 500, 0, 600_000),
    httpBacklog: readInt(env, 'OPS_HTTP_BACKLOG', 4096, 1, 65_535),
    kafkaThread: readChoice(env, 'OPS_KAFKA_THREAD', 'true', ['true', 'false'] as const) === 'true',
    maxBodyBytes: readInt(env, 'OPS_MAX_BODY_BYTES', 1024 * 1024, 64, 64 * 1024 * 1024),
    instanceId: readString(env, 'INSTANCE_ID', `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    leaseTtlSeconds: readInt(env, 'LEASE_TTL_SECONDS', 10, 2, 3600),
    groupId: readString(env, 'OPS_GROUP_ID', `${common.topicPrefix}ops`),
    apiTokens: readApiTokens(env),
    admin: env['OPS_ADMIN_PORT']
      ? { port: readInt(env, 'OPS_ADMIN_PORT', 0, 0, 65535), host: readString(env, 'OPS_ADMIN_HOST', '127.0.0.1') }
      : undefined,
    httpLimits: {
      headersTimeoutMs: readInt(env, 'OPS_HTTP_HEADERS_TIMEOUT_MS', LIMITS.headersTimeoutMs, 1000, 600_000),
      requestTimeoutMs: readInt(env, 'OPS_HTTP_REQUEST_TIMEOUT_MS', LIMITS.requestTimeoutMs, 1000, 3_600_000),
      maxHeaderBytes: readInt(env, 'OPS_HTTP_MAX_HEADER_BYTES', LIMITS.maxHeaderBytes, 1024, 1024 * 1024),
      maxConnectionsPerClient: readInt(env, 'OPS_HTTP_MAX_CONNECTIONS_PER_CLIENT', LIMITS.maxConnectionsPerClient, 0, 1_000_000),
    },
    tls: readServerTls(env),
    console: {
      enabled: readChoice(env, 'OPS_CONSOLE', 'true', ['true', 'false'] as const) === 'true',
      ringSize: readInt(env, 'OPS_CONSOLE_RING', 1000, 10, 100_000),
    },
  };
}

/**
 * OPS_TLS_CERT_FILE and OPS_TLS_KEY_FILE (both or neither), read and checked now, so that a bad one
 * stops ops at start naming it.
 */
function readServerTls(env: Env): ServerTls | undefined {
  const files = readTlsFiles(env, { cert: 'OPS_TLS_CERT_FILE', key: 'OPS_TLS_KEY_FILE' });
  return files?.cert && files.key ? { cert: files.cert, key: files.key } : undefined;
}
