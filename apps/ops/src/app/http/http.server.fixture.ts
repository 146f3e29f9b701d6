import { ServiceCatalog } from '@gateway/discovery';
import { ScatterGatherAggregator } from '@gateway/messaging';
import { InMemoryPublisher } from '@gateway/messaging/testing';
import pino from 'pino';
import { Admission, FixedLimit } from '../admission/admission';
import { Gateway } from '../gateway';
import { OpsMetrics } from '../ops.metrics';
import { createHttpServer, type HttpServerOptions, type OpsHttp } from './http.server';

/** For tests: ops' HTTP server on a gateway with no chain and an in-memory publisher, `overrides` on top. */
export function bareHttpServer(overrides: Partial<HttpServerOptions> = {}): OpsHttp {
  const catalog = new ServiceCatalog();
  const logger = pino({ level: 'silent' });
  const gateway = new Gateway({
    catalog,
    aggregator: new ScatterGatherAggregator(),
    publisher: new InMemoryPublisher(),
    logger,
    replyTopic: 'ops.resp',
    defaultTimeoutMs: 2000,
    admission: new Admission({ limit: new FixedLimit(10) }),
  });
  return createHttpServer({ gateway, catalog, metrics: new OpsMetrics(), logger, maxBodyBytes: 1024, readiness: () => [], ...overrides });
}
