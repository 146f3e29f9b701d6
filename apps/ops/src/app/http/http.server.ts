import { createServer } from 'node:http';
import type { ServiceCatalog } from '@gateway/discovery';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway';
import type { OpsMetrics } from '../ops.metrics';
import { Door } from './door';
import { setErrorHandlers } from './error-handlers';
import { registerOpenApi } from './openapi';
import { registerRequestsRoute } from './requests.route';
import { addSecurityHeaders } from './security-headers';
import { registerStatusRoutes } from './status.routes';
import type { ApiTokens, TokenCheck } from './api-tokens';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  gateway: Gateway;
  catalog: ServiceCatalog;
  metrics: OpsMetrics;
  logger: Logger;
  maxBodyBytes: number;
  /** Why ops is not ready, or an empty list when it is. */
  readiness: () => string[];
  /** Brings the gauges up to date just before a scrape. */
  beforeScrape?: () => void;
  /** Called for every request refused at the door because ops is at its admission limit. */
  onShed?: () => void;
  /** The bearer tokens `POST /requests` needs (OPS_API_TOKENS_FILE); none: it is open. */
  tokens?: ApiTokens | undefined;
  /** Called for every request refused for its token. */
  onUnauthorized?: (why: Exclude<TokenCheck, 'ok'>) => void;
}

/** How long an idle keep-alive connection stays open, ms (Fastify's default). */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The HTTP API of contract §4. */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { gateway } = options;
  // Admission happens at the door, before Fastify sees the request (door.ts): a refusal there is a
  // few prepared bytes. Requests that do not come through a server (inject) are admitted in onRequest.
  const door = new Door({
    gate: gateway,
    onShed: options.onShed,
    maxBodyBytes: options.maxBodyBytes,
    tokens: options.tokens,
    onUnauthorized: options.onUnauthorized,
  });
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (!door.enter(req, res)) handler(req, res);
      });
      // Fastify's own keep-alive for a server it makes (Node's default, 5 s, closes idle client
      // connections so soon that a client reusing one as it closes sees ECONNRESET).
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return server;
    },
    // pino's Logger is a FastifyBaseLogger; the cast only drops pino's extra generic parameters.
    loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: options.maxBodyBytes,
    return503OnClosing: true,
  });

  // Only JSON bodies are accepted: anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  setErrorHandlers(app);
  addSecurityHeaders(app);
  registerOpenApi(app);
  // Routes in a plugin registered after the OpenAPI plugin, so it sees every one of them.
  void app.register(async (api) => {
    registerRequestsRoute(api, gateway, door);
    registerStatusRoutes(api, options);
  });
  return app;
}
