import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Options of {@link HealthServer}. */
export interface HealthServerOptions {
  port: number;
  host: string;
  /** Why the service is not ready, or an empty list when it is. */
  readiness: () => string[];
  registry: Registry;
}

/**
 * A minimal HTTP server for a service without an API of its own (a chain): `/healthz` (alive),
 * `/readyz` (200 or 503 with the problems), `/metrics` (Prometheus text). Same shapes as ops.
 */
export class HealthServer {
  private readonly server: Server;
  private listening = false;

  constructor(private readonly options: HealthServerOptions) {
    this.server = createServer((request, response) => {
      const send = (status: number, type: string, body: string) => {
        response.writeHead(status, { 'content-type': type });
        response.end(body);
      };
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET')
        return send(405, 'application/json', JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only' } }));
      if (path === '/healthz') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/readyz') {
        const problems = this.options.readiness();
        return send(problems.length === 0 ? 200 : 503, 'application/json', JSON.stringify({ ready: problems.length === 0, problems }));
      }
      if (path === '/metrics') {
        this.options.registry.metrics().then(
          (text) => send(200, this.options.registry.contentType, text),
          (error: Error) => send(500, 'text/plain', error.message),
        );
        return;
      }
      return send(404, 'application/json', JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${path}` } }));
    });
  }

  /** Starts listening; resolves with the port (useful with port 0). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.listening = true;
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening; safe to call twice. */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
