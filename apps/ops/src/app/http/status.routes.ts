import type { ServiceCatalog } from '@gateway/discovery';
import type { FastifyInstance } from 'fastify';
import type { OpsMetrics } from '../ops.metrics';
import { getServicesSchema, healthzSchema, metricsSchema, readyzSchema } from './route.schemas';

/** What the status routes read. */
export interface StatusSources {
  catalog: ServiceCatalog;
  metrics: OpsMetrics;
  /** Why ops is not ready, or an empty list when it is. */
  readiness: () => string[];
  /** Brings the gauges up to date just before a scrape. */
  beforeScrape?: () => void;
}

/** What ops knows and how it is (contract §4): `/services`, `/healthz`, `/readyz`, `/metrics`. */
export function registerStatusRoutes(api: FastifyInstance, sources: StatusSources): void {
  const { catalog, metrics } = sources;
  api.get('/services', { schema: getServicesSchema }, async () => ({ services: catalog.snapshot() }));
  api.get('/healthz', { schema: healthzSchema }, async () => ({ status: 'ok' }));
  api.get('/readyz', { schema: readyzSchema }, async (_request, reply) => {
    const problems = sources.readiness();
    return reply.status(problems.length === 0 ? 200 : 503).send({ ready: problems.length === 0, problems });
  });
  api.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
    sources.beforeScrape?.();
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
