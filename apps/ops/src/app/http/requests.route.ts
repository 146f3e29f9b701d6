import { SpanKind, startSpan, traceHeaders, traceIdOf, validateOpsRequest, type OpsRequest } from '@gateway/messaging';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway';
import { endSpan } from '../request-span';
import type { Door } from './door';
import { httpStatusOf } from './http.errors';
import { postRequestsSchema } from './route.schemas';

/**
 * `POST /requests` (contract §4): one request in, its aggregate out. It is admitted (or refused)
 * at the door before its body is read, so a refusal costs ops next to nothing.
 */
export function registerRequestsRoute(api: FastifyInstance, gateway: Gateway, door: Door): void {
  const releaseUnused = (request: FastifyRequest): void => door.permitOf(request.raw)?.release('ignored');
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
}
