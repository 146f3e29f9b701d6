import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of ops (contract §4); names and labels are listed in docs/metrics.md. */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ops_requests_total',
    help: 'Requests answered, by source (http, kafka) and outcome (complete, partial, timeout, or a gateway error code)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'ops_request_duration_seconds',
    help: 'Time from accepting a request to its answer',
    labelNames: ['source'] as const,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'ops_requests_in_flight',
    help: 'Requests waiting for their aggregate',
    registers: [this.registry],
  });
  readonly admissionLimit = new Gauge({
    name: 'ops_admission_limit',
    help: 'Requests ops lets run at once now (learnt from latency unless OPS_ADMISSION=fixed)',
    registers: [this.registry],
  });
  readonly admissionLatency = new Gauge({
    name: 'ops_admission_window_latency_seconds',
    help: 'The latency (p90 of complete aggregates) of the last admission window, which the limit learns from',
    registers: [this.registry],
  });
  readonly loopDelay = new Gauge({
    name: 'ops_event_loop_delay_seconds',
    help: "How late ops' HTTP event loop ran (p90 since the previous scrape): how long a request waited before ops could see it",
    registers: [this.registry],
  });
  readonly admissionWaiting = new Gauge({
    name: 'ops_admission_waiting',
    help: 'ops.req requests read and waiting for admission',
    registers: [this.registry],
  });
  readonly shed = new Counter({
    name: 'ops_requests_shed_total',
    help: 'HTTP requests refused at the door with 503 OVERLOADED (ops.req is read more slowly instead)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly unauthorized = new Counter({
    name: 'ops_requests_unauthorized_total',
    help: 'POST /requests refused with 401 for their bearer token (OPS_API_TOKENS_FILE), by reason: missing, invalid, expired',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly repliesDropped = new Counter({
    name: 'ops_replies_dropped_total',
    help: 'Replies not used: late (after the aggregate), duplicate, unknown uid, or from a service not asked',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'ops_dead_letters_total',
    help: 'Messages sent to ops.dlq, by source topic and reason code',
    labelNames: ['topic', 'code'] as const,
    registers: [this.registry],
  });
  readonly deadLettersGivenUp = new Counter({
    name: 'ops_dead_letters_given_up_total',
    help: 'Dead letters that could not be written to ops.dlq after every attempt: logged with their coordinates and committed',
    labelNames: ['topic', 'code'] as const,
    registers: [this.registry],
  });
  readonly serviceLatency = new Histogram({
    name: 'ops_service_reply_duration_seconds',
    help: 'Time from broadcast to a chain reply, by service and reply status',
    labelNames: ['service', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly catalogServices = new Gauge({
    name: 'ops_catalog_services',
    help: 'Chain services with at least one live instance',
    registers: [this.registry],
  });
  readonly catalogStaleness = new Gauge({
    name: 'ops_catalog_staleness_seconds',
    help: 'Seconds since the catalog was last known to equal etcd (0 while the watch is healthy)',
    registers: [this.registry],
  });
  readonly replyPartition = new Gauge({
    name: 'ops_reply_partition',
    help: 'The partition of ops.resp this instance claimed and reads',
    registers: [this.registry],
  });
  readonly ready = new Gauge({ name: 'ops_ready', help: '1 while /readyz answers 200', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ops_' });
  }
}
