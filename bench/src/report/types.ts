import type { BenchConfig } from '../config';
import type { StepStats } from '../load/collector';
import type { ProcessLifetime, ProcessUsage } from '../procs/sampler';

/**
 * The series of a run: the gateway's two and the floor's, on kafkajs and on @platformatic/kafka
 * (`-pk`; for the gateway: the services' KAFKA_CLIENT).
 */
export type SeriesName = 'http' | 'kafka' | 'http-pk' | 'kafka-pk' | 'floor-1hop' | 'floor-fanout' | 'floor-1hop-pk' | 'floor-fanout-pk';

export const SERIES_LABELS: Record<SeriesName, string> = {
  http: 'gateway over HTTP (kafkajs)',
  kafka: 'gateway over Kafka ops.req (kafkajs)',
  'http-pk': 'gateway over HTTP (@platformatic/kafka)',
  'kafka-pk': 'gateway over Kafka ops.req (@platformatic/kafka)',
  'floor-1hop': 'floor: Kafka one hop',
  'floor-fanout': 'floor: Kafka 3-way fan-out',
  'floor-1hop-pk': 'floor (@platformatic/kafka): one hop',
  'floor-fanout-pk': 'floor (@platformatic/kafka): 3-way fan-out',
};

/** One load step and what every process used meanwhile. */
export interface StepResult extends StepStats {
  mode: 'open' | 'closed';
  /** Open loop: the fixed rate offered; closed loop: null. */
  offeredRps: number | null;
  /** Closed loop: requests in flight. */
  concurrency: number | null;
  processes: Record<string, ProcessUsage>;
  /** Watched processes that went away or restarted during the window (e.g. the broker): figures not comparable. */
  disturbances: string[];
}

export interface SeriesResult {
  name: SeriesName;
  label: string;
  open: StepResult[];
  closed: StepResult | null;
  /** Set when the series could not be completed. */
  failure?: string;
}

/** Gateway versus floor, for one gateway series against one floor series. */
export interface FloorRatio {
  gateway: SeriesName;
  floor: SeriesName;
  /** Closed-loop achieved req/s of the gateway over the floor's (lower is worse). */
  maxThroughput: number | null;
  /** Per offered rate both ran: gateway p50 and p99 over the floor's (higher is worse). */
  byRate: Array<{ offeredRps: number; p50: number | null; p99: number | null }>;
}

/** One client against the other (kafkajs the baseline), for the same gateway series or floor shape. */
export interface ClientRatio {
  /** The kafkajs floor series. */
  baseline: SeriesName;
  /** The same floor on the other client. */
  candidate: SeriesName;
  /** Closed-loop achieved req/s of the candidate over the baseline's (above 1: the candidate carries more). */
  maxThroughput: number | null;
  /** Per offered rate both ran: candidate p50 and p99 over the baseline's (below 1: the candidate is faster). */
  byRate: Array<{ offeredRps: number; p50: number | null; p99: number | null }>;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  host: { cpus: number; node: string; platform: string; kernel: string };
  config: BenchConfig;
  runId: string;
  series: SeriesResult[];
  ratios: FloorRatio[];
  /** @platformatic/kafka floor over the kafkajs floor (absent in results of older runs). */
  clientRatios?: ClientRatio[];
  /** CPU seconds over the run and peak RSS (VmHWM) of every process watched. */
  processes: Record<string, ProcessLifetime>;
  warnings: string[];
}
