import { invalidSetting, readSecret, readString, type Env } from '../config/env';
import type { Secret } from './secret';
import { readTlsFiles, type TlsFiles } from './tls-files';

/** etcd's user and password auth. */
export interface EtcdLogin {
  username: string;
  password: Secret;
}

/** Everything about an etcd connection beyond the endpoints. */
export interface EtcdSecurity {
  /** With https:// endpoints: the CA to trust (none: the system's) and a client certificate and key. */
  tls?: TlsFiles;
  /** With etcd's auth enabled: the user this service logs in as. */
  login?: EtcdLogin;
}

const TLS_VARIABLES = { ca: 'ETCD_CA_FILE', cert: 'ETCD_CERT_FILE', key: 'ETCD_KEY_FILE' } as const;

/**
 * ETCD_CA_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE (with https:// endpoints only) and ETCD_USERNAME with
 * ETCD_PASSWORD or ETCD_PASSWORD_FILE (both or neither). The endpoints are all http:// or all
 * https://. Every refusal names its variable; the password is read into a {@link Secret}.
 */
export function readEtcdSecurity(env: Env, endpoints: string[]): EtcdSecurity {
  const https = endpoints.filter((e) => e.startsWith('https://')).length;
  if (https > 0 && https < endpoints.length) throw invalidSetting('ETCD_ENDPOINTS', 'mixes http:// and https:// endpoints');
  const tls = readTlsFiles(env, TLS_VARIABLES);
  if (tls && https === 0) {
    const set = Object.values(TLS_VARIABLES).find((v) => env[v] !== undefined) ?? 'ETCD_CA_FILE';
    throw invalidSetting(set, 'is set, but ETCD_ENDPOINTS are http://: TLS needs https:// endpoints');
  }
  const password = readSecret(env, 'ETCD_PASSWORD');
  const hasUser = env['ETCD_USERNAME'] !== undefined;
  if (password && !hasUser) throw invalidSetting('ETCD_USERNAME', 'is needed with ETCD_PASSWORD');
  if (hasUser && !password) throw invalidSetting('ETCD_PASSWORD', '(or ETCD_PASSWORD_FILE) is needed with ETCD_USERNAME');
  return {
    ...(tls || https > 0 ? { tls: tls ?? {} } : {}),
    ...(password ? { login: { username: readString(env, 'ETCD_USERNAME', ''), password } } : {}),
  };
}

/** What a log line may say about the etcd connection: TLS and the user, never the password. */
export function describeEtcdSecurity(security: EtcdSecurity): Record<string, unknown> {
  return {
    tls: security.tls !== undefined,
    ...(security.tls ? { tlsCa: security.tls.ca ? 'file' : 'system', clientCertificate: security.tls.cert !== undefined } : {}),
    ...(security.login ? { username: security.login.username } : {}),
  };
}
