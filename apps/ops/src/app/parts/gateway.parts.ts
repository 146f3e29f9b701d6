import type { ServiceCatalog } from '@gateway/discovery';
import { ScatterGatherAggregator, type OpsAnswer, type Publisher } from '@gateway/messaging';
import type { Logger } from 'pino';
import { Admission, FixedLimit } from '../admission/admission';
import { GRADIENT_DEFAULTS, GradientLimit } from '../admission/gradient-limit';
import { Gateway, type GatewayOptions } from '../gateway';
import type { OpsConfig } from '../ops.config';
import type { OpsMetrics } from '../ops.metrics';

/** How long replies already on their way may still arrive after a service's last instance left, ms. */
export const LEFT_GRACE_MS = 500;

/** The aggregator of every gather, reporting each service's latency to the metrics. */
export function createAggregator(metrics: OpsMetrics): ScatterGatherAggregator {
  return new ScatterGatherAggregator({
    onAggregate: (aggregate) => {
      for (const [service, result] of Object.entries(aggregate.results)) {
        if (result.status === 'ok' || result.status === 'error') {
          metrics.serviceLatency.observe({ service, status: result.status }, result.latencyMs / 1000);
        }
      }
    },
  });
}

/** The admission limit of OPS_ADMISSION, reported to the metrics after every window. */
export function createAdmission(config: OpsConfig, metrics: OpsMetrics): Admission {
  const limit =
    config.admission === 'fixed'
      ? new FixedLimit(config.maxInFlight)
      : new GradientLimit({
          ...GRADIENT_DEFAULTS,
          initialLimit: config.admissionInitialLimit,
          minLimit: config.admissionMinLimit,
          maxLimit: config.maxInFlight,
          tolerance: config.admissionTolerance,
        });
  metrics.admissionLimit.set(limit.limit);
  return new Admission({
    limit,
    onWindow: (value, window) => {
      metrics.admissionLimit.set(value);
      metrics.admissionLatency.set(window.latencyMs / 1000);
    },
  });
}

/** What the gateway is built from, besides the configuration. */
export interface GatewayParts {
  catalog: ServiceCatalog;
  aggregator: ScatterGatherAggregator;
  admission: Admission;
  publisher: Publisher;
  metrics: OpsMetrics;
  logger: Logger;
  /** The partition of ops.resp this instance reads, once claimed. */
  replyPartition: () => number | undefined;
  /** See {@link GatewayOptions.onFinished} (the console). */
  onFinished?: GatewayOptions['onFinished'];
}

/** The gateway, counting every answer by source and outcome. */
export function createGateway(config: OpsConfig, parts: GatewayParts): Gateway {
  const { metrics } = parts;
  return new Gateway({
    catalog: parts.catalog,
    aggregator: parts.aggregator,
    publisher: parts.publisher,
    logger: parts.logger,
    replyTopic: config.topics.opsResp,
    replyPartition: parts.replyPartition,
    defaultTimeoutMs: config.defaultTimeoutMs,
    admission: parts.admission,
    onFinished: parts.onFinished,
    onAnswer: (answer, source, seconds) => {
      metrics.requests.inc({ source, outcome: outcomeOf(answer) });
      metrics.latency.observe({ source }, seconds);
    },
  });
}

/** The `outcome` label of an answer: its error code, `timeout` when no service answered, or its status. */
function outcomeOf(answer: OpsAnswer): string {
  if (answer.status === 'error') return answer.error.code;
  return answer.missing.length === Object.keys(answer.results).length ? 'timeout' : answer.status;
}

/** Logs services joining and leaving, and ends what waits on a service once its last instance left. */
export function followCatalog(catalog: ServiceCatalog, aggregator: ScatterGatherAggregator, logger: Logger): void {
  catalog.on('service-down', (name) => {
    logger.info({ serviceName: name }, 'service left');
    // Not at once: a chain that deregisters as it stops has just had its last replies
    // acknowledged, and etcd's event can reach ops before its consumer has fetched them.
    const timer = setTimeout(() => {
      if (catalog.get(name) === undefined) aggregator.serviceLeft(name);
    }, LEFT_GRACE_MS);
    timer.unref();
  });
  catalog.on('service-up', (name) => logger.info({ serviceName: name }, 'service joined'));
}
