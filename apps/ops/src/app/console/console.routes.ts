import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ConsoleSearchResult } from './console.events';
import type { OpsConsole } from './ops-console';

/**
 * The page's own policy: everything from ops itself, nothing inline, nothing from elsewhere (the
 * console works offline), no framing. Data it shows is set as text by the page (never as markup).
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page's files: path under /console → file name and content type. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/**
 * Where the page's files are: beside the bundle (dist/apps/ops/console, copied there by the build
 * and shipped in the image), or in the sources (tests that run the TypeScript).
 */
export function consoleAssetsDir(): string | undefined {
  return [join(__dirname, 'console'), join(__dirname, '..', '..', 'assets', 'console')].find((dir) =>
    Object.values(ASSETS).every(({ file }) => existsSync(join(dir, file))),
  );
}

/**
 * `/console` (the page and its two files), `/console/events` (Server-Sent Events: console.events.ts)
 * and `/console/requests?q=` (search of the ring by uid or trace id).
 */
export function registerConsoleRoutes(api: FastifyInstance, console: OpsConsole, assetsDir: string): void {
  for (const [path, { file, type }] of Object.entries(ASSETS)) {
    const body = readFileSync(join(assetsDir, file));
    api.get(`/console${path}`, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(type).header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-cache').send(body),
    );
  }
  api.get('/console/events', { schema: { hide: true } }, async (request, reply) => {
    const hello = await console.hello();
    // The stream is written by the feed from now on, not by Fastify.
    reply.hijack();
    console.feed.open(reply.raw, hello);
    request.log.debug({ consoles: console.feed.connected }, 'console connected');
  });
  api.get<{ Querystring: { q?: string } }>(
    '/console/requests',
    {
      schema: {
        hide: true,
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 } }, additionalProperties: false },
      },
    },
    async (request): Promise<ConsoleSearchResult> => ({ requests: console.search(request.query.q ?? '') }),
  );
}
