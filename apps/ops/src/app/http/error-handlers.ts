import type { FastifyError, FastifyInstance } from 'fastify';
import { OpsErrors } from '../ops.errors';
import { errorBody, fromFastifyError } from './http.errors';

/** The methods a route may have, in the order an `Allow` header names them. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/** Every error of the HTTP API in the body of contract §4: Fastify's own, an unknown path, a wrong method. */
export function setErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = fromFastifyError(error);
    if (mapped) return reply.status(mapped.status).send(mapped.body);
    request.log.error({ err: error }, 'request failed');
    return reply.status(OpsErrors.INTERNAL.httpStatus).send(errorBody(OpsErrors.INTERNAL.code, 'internal error'));
  });
  // A path that exists under other methods is a 405 naming them (RFC 9110 §15.5.6), not a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length === 0) {
      return reply.status(OpsErrors.NOT_FOUND.httpStatus).send(errorBody(OpsErrors.NOT_FOUND.code, `no route ${request.method} ${path}`));
    }
    return reply
      .status(OpsErrors.METHOD_NOT_ALLOWED.httpStatus)
      .header('allow', allowed.join(', '))
      .send(errorBody(OpsErrors.METHOD_NOT_ALLOWED.code, `${path} takes ${allowed.join(', ')}, not ${request.method}`));
  });
}
