import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { ServiceCatalog } from '@gateway/discovery';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerConsoleRoutes } from '../console/console.routes';
import type { OpsConsole } from '../console/ops-console';
import type { Gateway } from '../gateway';
import type { OpsMetrics } from '../ops.metrics';
import { Door, isRequestsPath, refuse } from './door';
import { errorBody } from './http.errors';
import { OpsErrors } from '../ops.errors';
import { applyLimits, HTTP_LIMITS_DEFAULTS, type HttpLimits } from './server-limits';
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
  /**
   * Serve the operator endpoints (`/services`, `/metrics`, `/docs`, `/console`) on a listener of their own,
   * {@link OpsHttp.adminServer} (OPS_ADMIN_PORT), and no longer on the public one.
   */
  adminListener?: boolean;
  /** Limits on what one client may take (defaults: {@link HTTP_LIMITS_DEFAULTS}). */
  limits?: Partial<HttpLimits>;
  /** HTTPS with this certificate chain and key, PEM (OPS_TLS_CERT_FILE, OPS_TLS_KEY_FILE); none: HTTP. */
  tls?: ServerTls | undefined;
  /** The operator console and the directory of its page (`/console`, an operator path); none: not served. */
  console?: { ops: OpsConsole; assetsDir: string } | undefined;
}

/** A certificate chain and its private key, PEM. */
export interface ServerTls {
  cert: string;
  key: string;
}

/** ops' HTTP API, and the operator listener when it has one of its own. */
export type OpsHttp = FastifyInstance & { adminServer?: Server };

/** The paths only the operator listener serves, when there is one. */
const OPERATOR_PATHS = /^\/(services|metrics|docs|console)(\/|\?|$)/;

/** How long an idle keep-alive connection stays open, ms (Fastify's default). */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The HTTP API of contract §4 (with the operator endpoints on a listener of their own if asked). */
export function createHttpServer(options: HttpServerOptions): OpsHttp {
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
  const limits = { ...HTTP_LIMITS_DEFAULTS, ...options.limits };
  const separate = options.adminListener ?? false;
  let adminServer: Server | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = listener(limits, options.tls, (req, res) => {
        if (separate && OPERATOR_PATHS.test(req.url ?? '')) notFound(res);
        else if (!door.enter(req, res)) handler(req, res);
      });
      // The operator listener hands the same routes to Fastify, all but the API itself.
      if (separate)
        adminServer = listener(limits, options.tls, (req, res) => (isRequestsPath(req.url) ? notFound(res) : handler(req, res)));
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
    if (options.console) registerConsoleRoutes(api, options.console.ops, options.console.assetsDir);
  });
  return Object.assign(app, { adminServer });
}

/** An HTTP (or, with `tls`, HTTPS) listener with ops' limits and keep-alive. */
function listener(limits: HttpLimits, tls: ServerTls | undefined, handle: (req: IncomingMessage, res: ServerResponse) => void): Server {
  // Time limits are checked every second (Node's default is every 30 s, which would let a slow
  // client hold a connection for up to half a minute past its limit).
  const settings = { maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval: 1000 };
  // An https.Server is an http.Server that speaks TLS first: the same requests, limits and door.
  const server: Server = tls ? createTlsServer({ ...settings, cert: tls.cert, key: tls.key }, handle) : createServer(settings, handle);
  // Fastify's own keep-alive for a server it makes (Node's default, 5 s, closes idle client
  // connections so soon that a client reusing one as it closes sees ECONNRESET).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  applyLimits(server, limits);
  return server;
}

let notFoundBody: Buffer | undefined;

/** A path this listener does not serve: the 404 any unknown path gets, from prepared bytes. */
function notFound(res: ServerResponse): void {
  notFoundBody ??= Buffer.from(JSON.stringify(errorBody(OpsErrors.NOT_FOUND.code, 'no such path on this listener')));
  refuse(res, OpsErrors.NOT_FOUND.httpStatus, notFoundBody, false);
}
