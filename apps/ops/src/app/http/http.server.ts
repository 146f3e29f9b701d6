import { createServer } from 'node:http';
import type { ServiceCatalog } from '@gateway/discovery';
import { SpanKind, startSpan, traceHeaders, traceIdOf, validateOpsRequest, type OpsRequest } from '@gateway/messaging';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway';
import type { OpsMetrics } from '../ops.metrics';
import { HttpErrors } from './http.error-codes';
import { errorBody, fromFastifyError, httpStatusOf } from './http.errors';
import { Door } from './door';
import { registerOpenApi } from './openapi';
import { endSpan } from '../request-span';
import { getServicesSchema, healthzSchema, metricsSchema, postRequestsSchema, readyzSchema } from './route.schemas';

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
}

/** The methods a route may have, in the order an `Allow` header names them. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/** How long an idle keep-alive connection stays open, ms (Fastify's default). */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The HTTP API of contract §4. */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { gateway, catalog, metrics } = options;
  // Admission happens at the door, before Fastify sees the request (door.ts): a refusal there is a
  // few prepared bytes. Requests that do not come through a server (inject) are admitted in onRequest.
  const door = new Door({ gate: gateway, onShed: options.onShed, maxBodyBytes: options.maxBodyBytes });
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

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = fromFastifyError(error);
    if (mapped) return reply.status(mapped.status).send(mapped.body);
    request.log.error({ err: error }, 'request failed');
    return reply.status(HttpErrors.INTERNAL.httpStatus).send(errorBody(HttpErrors.INTERNAL.code, 'internal error'));
  });
  // A path that exists under other methods is a 405 naming them (RFC 9110 §15.5.6), not a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length === 0) {
      return reply.status(HttpErrors.NOT_FOUND.httpStatus).send(errorBody(HttpErrors.NOT_FOUND.code, `no route ${request.method} ${path}`));
    }
    return reply
      .status(HttpErrors.METHOD_NOT_ALLOWED.httpStatus)
      .header('allow', allowed.join(', '))
      .send(errorBody(HttpErrors.METHOD_NOT_ALLOWED.code, `${path} takes ${allowed.join(', ')}, not ${request.method}`));
  });

  // A request is admitted (or refused) before its body is read: a refusal costs ops next to nothing.
  const releaseUnused = (request: FastifyRequest): void => door.permitOf(request.raw)?.release('ignored');

  registerOpenApi(app);
  // Routes in a plugin registered after the OpenAPI plugin, so it sees every one of them.
  void app.register(async (api) => {
    api.post<{ Body: OpsRequest }>(
      '/requests',
      {
        schema: postRequestsSchema,
        // Admitted at the door already, unless injected without a server: then here, the same way.
        onRequest: (request, reply, done) => {
          if (door.admit(request.raw, reply.raw)) done();
          else reply.hijack();
        },
        // Released by the gateway once the answer is formed; these catch a body refused (400, 413)
        // or a client gone before its request was submitted.
        onResponse: (request, _reply, done) => {
          releaseUnused(request);
          done();
        },
        onRequestAbort: (request, done) => {
          releaseUnused(request);
          done();
        },
        // The body schema's rules, applied by the messaging library (the same code validates ops.req).
        validatorCompiler: () => (body) => {
          const validated = validateOpsRequest(body, { requireUid: false });
          return validated.ok ? { value: validated.value } : { error: new Error(validated.reason) };
        },
      },
      async (request, reply) => {
        const span = startSpan('POST /requests', SpanKind.SERVER, request.headers, {
          'http.request.method': 'POST',
          'url.path': '/requests',
        });
        const trace = { headers: traceHeaders(span), traceId: traceIdOf(span) };
        const answer = await gateway.submit(request.body, 'http', trace, { permit: door.permitOf(request.raw) }).answer;
        const status = httpStatusOf(answer);
        endSpan(span, answer, status);
        return reply.status(status).headers(trace.headers).send(answer);
      },
    );

    api.get('/services', { schema: getServicesSchema }, async () => ({ services: catalog.snapshot() }));
    api.get('/healthz', { schema: healthzSchema }, async () => ({ status: 'ok' }));
    api.get('/readyz', { schema: readyzSchema }, async (_request, reply) => {
      const problems = options.readiness();
      return reply.status(problems.length === 0 ? 200 : 503).send({ ready: problems.length === 0, problems });
    });
    api.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
      options.beforeScrape?.();
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  });
  return app;
}
