import type { Server } from 'node:http';
import { OpsErrors } from '../ops.errors';
import { errorBody } from './http.errors';
import { SECURITY_HEADERS } from './security-headers';

/** What one client may take of ops' HTTP listeners (README "Configuration" gives the defaults). */
export interface HttpLimits {
  /** Time for a request's headers to arrive, from its first byte (slowloris): 408 and closed after it. */
  headersTimeoutMs: number;
  /** Time for a whole request to arrive, body included: 408 and closed after it. */
  requestTimeoutMs: number;
  /** Largest header section of a request: 431 beyond. */
  maxHeaderBytes: number;
  /**
   * Connections open at once from one address; 0: no limit — the default, since behind a load
   * balancer every connection comes from the balancer's few addresses.
   */
  maxConnectionsPerClient: number;
}

export const HTTP_LIMITS_DEFAULTS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxHeaderBytes: 16 * 1024,
  maxConnectionsPerClient: 0,
};

/** Puts the time limits and the per-client connection limit on `server` (the header size is a creation option). */
export function applyLimits(server: Server, limits: HttpLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  if (limits.maxConnectionsPerClient > 0) limitConnectionsPerClient(server, limits.maxConnectionsPerClient);
}

/** The refusal a connection over the per-client limit gets before it is closed: a whole HTTP answer, prepared once. */
function tooManyConnections(limit: number): Buffer {
  const body = JSON.stringify(
    errorBody(
      OpsErrors.TOO_MANY_CONNECTIONS.code,
      `at most ${limit} connections at once from one address (OPS_HTTP_MAX_CONNECTIONS_PER_CLIENT)`,
    ),
  );
  const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.from(
    `HTTP/1.1 ${OpsErrors.TOO_MANY_CONNECTIONS.httpStatus} Too Many Requests\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${headers.join('')}\r\n${body}`,
  );
}

function limitConnectionsPerClient(server: Server, limit: number): void {
  const refusal = tooManyConnections(limit);
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limit) {
      socket.end(refusal);
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
