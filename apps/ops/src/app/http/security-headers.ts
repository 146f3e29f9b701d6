import type { FastifyInstance } from 'fastify';

/**
 * Headers fit for a JSON API, on every answer of ops (the door's prepared refusals included): no
 * content-type sniffing, no caching of answers (each is for one request), no framing, no referrer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The content security policy of an answer that is data, not a page: nothing may load or frame it.
 * The OpenAPI UI under /docs is a page and keeps its own.
 */
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Adds {@link SECURITY_HEADERS} to every answer Fastify sends, and {@link DATA_CSP} to those that
 * set no policy of their own (the pages: the OpenAPI UI under /docs, the console).
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!request.url.startsWith('/docs') && !reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DATA_CSP);
    return payload;
  });
}
