import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of a chain service; names and labels are listed in docs/metrics.md. */
export class ChainMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'outcome'>;
  readonly handlerDuration: Histogram<'outcome'>;
  readonly inFlight: Gauge;
  readonly deadLetters: Counter<'code'>;
  readonly deadLettersGivenUp: Counter<'code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'chain_requests_total',
      help: 'Requests handled, by outcome: ok, error (the handler failed or timed out), expired (deadline passed before handling)',
      labelNames: ['outcome'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'chain_handler_duration_seconds',
      help: 'Time the handler took, by outcome',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.inFlight = new Gauge({ name: 'chain_requests_in_flight', help: 'Requests being handled now', registers });
    this.deadLetters = new Counter({
      name: 'chain_dead_letters_total',
      help: 'Messages sent to ops.dlq, by reason code',
      labelNames: ['code'],
      registers,
    });
    this.deadLettersGivenUp = new Counter({
      name: 'chain_dead_letters_given_up_total',
      help: 'Dead letters that could not be written to ops.dlq after every attempt: logged with their coordinates and committed',
      labelNames: ['code'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'chain_' });
  }
}
