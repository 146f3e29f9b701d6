import type { BenchConfig } from '../config';
import type { CrowdStats } from '../crowd/crowd-collector';
import type { CrowdConnections } from '../crowd/crowd-target';
import type { StepStats } from '../load/collector';
import type { ProcessLifetime, ProcessUsage } from '../procs/sampler';
import type { TcpCounters } from '../procs/tcp-counters';

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
  /** The crowd series, the project's gateway and the peer (absent in results of older runs and without `crowd`). */
  crowd?: CrowdResult;
}

/** One open-loop step of the crowd series: its answers, the kernel's TCP counters and the processes. */
export interface CrowdStepResult extends CrowdStats {
  /** `lone`, `1000`, `0.5x`…, `recovery`. */
  label: string;
  /** A multiple of the project's capacity, or null (lone requests, 1,000 req/s). */
  multiple: number | null;
  offeredRps: number;
  /** Change of the kernel's TCP counters over the window (whole machine; null: not readable). */
  tcp: TcpCounters | null;
  processes: Record<string, ProcessUsage>;
  disturbances: string[];
}

/** How fast a system came back after the overload: the load dropped from the highest multiple to the lowest. */
export interface CrowdRecovery {
  fromRps: number;
  toRps: number;
  sliceMs: number;
  /** Admitted p99 of the lowest multiple's step, and the bound a slice's p99 must be back within (1.5×). */
  baselineP99Ms: number | null;
  thresholdMs: number | null;
  /** From the drop to the start of the first second of slices all within the bound; null: not within the window. */
  recoveredAfterMs: number | null;
  /** Slices after the recovery whose p99 is above the bound again (absent in older results). */
  relapses?: number;
  /** p99 of each slice from the drop (requests without an aggregate count as the request timeout). */
  sliceP99Ms: Array<number | null>;
  /** The whole recovery window as a step. */
  step: CrowdStepResult;
}

/** The crowd series of one system: the project's gateway or the peer. */
export interface CrowdSystemResult {
  system: 'project' | 'peer';
  label: string;
  /** The name of its ops process in the steps' `processes`. */
  opsProcess: string;
  /** The closed loop that measures its capacity. */
  closed: StepResult | null;
  /** Its own closed-loop capacity (achieved req/s). */
  capacityRps: number | null;
  /** Lone requests, 1,000 req/s, then the multiples, in the order run. */
  steps: CrowdStepResult[];
  recovery: CrowdRecovery | null;
  failure?: string;
}

/** One figure of the project against the peer, with its target. */
export interface CrowdRatioRow {
  figure: string;
  project: number | null;
  peer: number | null;
  /** project ÷ peer. */
  ratio: number | null;
  /** e.g. `ratio ≥ 1.0`, `project ≤ 10 ms`; empty: no target. */
  target: string;
  /** Whether the target is met (null: no target or a figure is missing). */
  met: boolean | null;
  /** Said instead of a missing figure (e.g. `not within 15 s`). */
  projectNote?: string;
  peerNote?: string;
}

/** The crowd series of a run. */
export interface CrowdResult {
  connections: CrowdConnections;
  /** Most connections the crowd opened at once: the generator's file-descriptor limit less its headroom (null: none; absent in older results). */
  connectionCap?: number | null;
  concurrency: number;
  multiples: number[];
  durationS: number;
  /** The project's closed-loop capacity C: the multiples are of it, for both systems. */
  capacityRps: number | null;
  systems: CrowdSystemResult[];
  /** Why the peer was not measured (no Go binary, failed start …). */
  peerMissing?: string;
  ratios: CrowdRatioRow[];
}
