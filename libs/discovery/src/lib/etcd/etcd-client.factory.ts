import { Etcd3, IOptions } from 'etcd3';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';
import { backoffDelay } from '../util/backoff';

export { Etcd3 };

/** Settings of {@link createEtcdClient} beyond the endpoints. */
export interface EtcdClientOptions {
  /** Time limit of every unary etcd call (streams excluded), so a dead etcd never hangs a call; default 5000. */
  callTimeoutMs?: number;
  /** Longest wait between two attempts to re-open a broken watch stream; default 2000 (etcd3's own is 30000). */
  maxWatchBackoffMs?: number;
  /** TLS and login (a service's ETCD_CA_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE, ETCD_USERNAME, ETCD_PASSWORD). */
  security?: EtcdConnectionSecurity;
}

/** How to talk to etcd beyond its endpoints (the shape of @gateway/messaging's `EtcdSecurity`). */
export interface EtcdConnectionSecurity {
  /**
   * TLS to https:// endpoints, PEM: the CA to trust (none: the system's) and, where etcd asks for one
   * (`--client-cert-auth`), a client certificate and key.
   */
  tls?: { ca?: string; cert?: string; key?: string };
  /** etcd's user and password auth (the user's roles decide what it may read and write); the password is revealed for the client library alone. */
  login?: { username: string; password: { reveal(): string } };
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type WatchBackoff = NonNullable<FaultHandling['watchBackoff']>;
type HostPolicy = ReturnType<NonNullable<FaultHandling['host']>>;
type PolicyContext = Parameters<Parameters<HostPolicy['execute']>[0]>[0];

/**
 * Calls straight through. etcd3's default per-host circuit breaker refuses every call for 5 s after 3 failures,
 * which only delays recovery when etcd comes back; timeouts and the global retry policy remain.
 */
class PassThroughPolicy implements HostPolicy {
  declare readonly _altReturn: never;
  readonly onSuccess: HostPolicy['onSuccess'] = () => ({ dispose: () => undefined });
  readonly onFailure: HostPolicy['onFailure'] = () => ({ dispose: () => undefined });

  async execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> {
    return fn({ signal: signal ?? new AbortController().signal });
  }
}

function watchBackoff(maxMs: number, attempt = 0): WatchBackoff {
  return {
    duration: attempt === 0 ? 0 : backoffDelay(attempt, { initialMs: 250, maxMs }),
    next: () => watchBackoff(maxMs, attempt + 1),
  };
}

function positive(value: number, setting: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, `${setting} must be a positive number, got ${value}`, {
      context: { setting },
    });
  }
  return value;
}

/** etcd3's TLS credentials (gRPC's createSsl arguments) from PEM text. */
function credentials(tls: NonNullable<EtcdConnectionSecurity['tls']>): NonNullable<IOptions['credentials']> {
  return {
    // gRPC takes null for "the system's CAs"; etcd3's type asks for a Buffer all the same.
    rootCertificate: (tls.ca === undefined ? null : Buffer.from(tls.ca)) as Buffer,
    ...(tls.cert ? { certChain: Buffer.from(tls.cert) } : {}),
    ...(tls.key ? { privateKey: Buffer.from(tls.key) } : {}),
  };
}

/**
 * Creates an etcd3 client for the given `http(s)://host:port` endpoints with bounded unary calls, gRPC keepalive
 * pings, no per-host circuit breaker and a capped watch-reconnect backoff; throws a DiscoveryError (INVALID_OPTIONS) for an empty or bad list.
 */
export function createEtcdClient(endpoints: string[], options: EtcdClientOptions = {}): Etcd3 {
  const hosts = endpoints.map((e) => e.trim()).filter((e) => e.length > 0);
  if (hosts.length === 0 || hosts.some((h) => !/^https?:\/\/[^/\s]+\/?$/.test(h))) {
    throw new DiscoveryError(
      DiscoveryErrorCodes.INVALID_OPTIONS,
      `etcd endpoints must be a non-empty list of http(s)://host:port, got ${JSON.stringify(endpoints)}`,
      { context: { setting: 'ETCD_ENDPOINTS' } },
    );
  }
  const secure = hosts.filter((h) => h.startsWith('https://')).length;
  if (secure > 0 && secure < hosts.length) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, 'etcd endpoints mix http:// and https://', {
      context: { setting: 'ETCD_ENDPOINTS' },
    });
  }
  const { tls, login } = options.security ?? {};
  if (tls && secure === 0) {
    throw new DiscoveryError(DiscoveryErrorCodes.INVALID_OPTIONS, 'etcd TLS settings need https:// endpoints', {
      context: { setting: 'ETCD_ENDPOINTS' },
    });
  }
  const callTimeoutMs = positive(options.callTimeoutMs ?? 5000, 'callTimeoutMs');
  const maxWatchBackoffMs = positive(options.maxWatchBackoffMs ?? 2000, 'maxWatchBackoffMs');
  return new Etcd3({
    hosts: hosts.map((h) => h.replace(/\/$/, '')),
    // etcd3 1.1.2 declares `dialTimeout` but never reads it: deadlines are what bound a call to a dead etcd.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
    faultHandling: { host: () => new PassThroughPolicy(), watchBackoff: watchBackoff(maxWatchBackoffMs) },
    ...(tls ? { credentials: credentials(tls) } : {}),
    // The login call is bounded by defaultCallOptions like every other unary call.
    ...(login ? { auth: { username: login.username, password: login.password.reveal() } } : {}),
  });
}
