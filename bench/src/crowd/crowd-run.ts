import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { BenchConfig } from '../config';
import { deleteTopics, topicsWithPrefix } from '../kafka/bare-kafka';
import { probeUntilOk } from '../load/probe';
import { openFilesLimit } from '../procs/fd-limit';
import type { ProcessSampler } from '../procs/sampler';
import { crowdRatios } from '../report/crowd-ratios';
import type { CrowdResult, CrowdSystemResult } from '../report/types';
import { PeerServices } from '../system/peer-services';
import { HttpTarget } from '../targets/http-target';
import { CROWD_TIMEOUT_MS, runCrowdSystem, type CrowdPlan } from './crowd-series';
import { crowdConnectionCap } from './crowd-target';

/** What the crowd series needs from the run around it. */
export interface CrowdRunContext {
  repo: string;
  logDir: string;
  runId: string;
  kafkaBrokers: string;
  kafka: Kafka;
  sampler: ProcessSampler;
  log: (line: string) => void;
  warnings: string[];
  /** Registers something to undo when the run ends or is interrupted (the peer's processes and topics). */
  cleanup: (what: string, run: () => Promise<unknown>) => void;
}

/** The crowd plan of a configuration. */
export function crowdPlan(config: BenchConfig, runId: string): CrowdPlan {
  return {
    connections: config.crowdConnections,
    concurrency: config.crowdConcurrency,
    multiples: config.crowdMultiples,
    durationS: config.crowdDurationS,
    warmupS: config.warmupS,
    settleS: config.settleS,
    closedWarmupS: config.closedWarmupS,
    closedDurationS: config.closedDurationS,
    runId,
  };
}

/** The crowd series against the project's gateway on 127.0.0.1:`port` (its services running). */
export async function runCrowdProject(port: number, plan: CrowdPlan, ctx: CrowdRunContext): Promise<CrowdSystemResult> {
  const probeTarget = new HttpTarget({ port, maxSockets: 1, timeoutMs: CROWD_TIMEOUT_MS });
  try {
    const probe = await probeUntilOk(probeTarget, `bench-${plan.runId}-crowd`, 60_000);
    if (!probe.ok) throw new Error(`no complete answer within 60 s (last: ${JSON.stringify(probe.last ?? 'none')})`);
  } catch (error) {
    return failed('project', (error as Error).message);
  } finally {
    probeTarget.close();
  }
  return runCrowdSystem({ system: 'project', label: "the project's gateway", port, opsProcess: 'ops' }, plan, null, ctx.sampler, ctx.log);
}

/**
 * The crowd series against the peer (started here, on Kafka only), at the same absolute rates
 * (multiples of `baseRps`, the project's capacity); a string says why the peer was not measured.
 */
export async function runCrowdPeer(baseRps: number | null, plan: CrowdPlan, ctx: CrowdRunContext): Promise<CrowdSystemResult | string> {
  if (!PeerServices.available(ctx.repo)) {
    return `no peer binary at ${PeerServices.binary(ctx.repo)} (bench/run.sh builds it when Go is installed)`;
  }
  const peer = new PeerServices({
    repo: ctx.repo,
    logDir: join(ctx.logDir, 'peer'),
    runId: ctx.runId,
    kafkaBrokers: ctx.kafkaBrokers,
  });
  ctx.cleanup('peer topics', async () => {
    const prefix = peer.topicPrefix();
    if (prefix === '') return; // never every topic of the broker
    const problem = await deleteTopics(ctx.kafka, await topicsWithPrefix(ctx.kafka, prefix));
    if (problem) ctx.warnings.push(problem);
  });
  ctx.cleanup('peer', async () => {
    for (const name of peer.processes.keys()) ctx.sampler.remove(name);
    const codes = await peer.stop();
    const bad = Object.entries(codes).filter(([, code]) => code !== 0);
    if (bad.length > 0) ctx.warnings.push(`peer processes exited non-zero: ${bad.map(([n, c]) => `${n}=${String(c)}`).join(', ')}`);
  });
  ctx.log(`starting the peer (${PeerServices.binary(ctx.repo)}; logs: ${join(ctx.logDir, 'peer')})`);
  try {
    await peer.start();
  } catch (error) {
    return `the peer did not start: ${(error as Error).message}`;
  }
  for (const [name, child] of peer.processes) ctx.sampler.add(name, child.pid);
  ctx.log(`peer ready on 127.0.0.1:${peer.port}, topic prefix "${peer.topicPrefix()}"`);
  return runCrowdSystem(
    { system: 'peer', label: 'the reference peer (Go)', port: peer.port, opsProcess: 'peer-ops' },
    plan,
    baseRps,
    ctx.sampler,
    ctx.log,
  );
}

/** The crowd result of a run: the systems measured, why the peer is missing if it is, and the ratios. */
export function crowdResult(config: BenchConfig, project: CrowdSystemResult, peer: CrowdSystemResult | string): CrowdResult {
  const peerResult = typeof peer === 'string' ? undefined : peer;
  const cap = crowdConnectionCap(openFilesLimit());
  return {
    connections: config.crowdConnections,
    connectionCap: Number.isFinite(cap) ? cap : null,
    concurrency: config.crowdConcurrency,
    multiples: config.crowdMultiples,
    durationS: config.crowdDurationS,
    capacityRps: project.capacityRps,
    systems: peerResult ? [project, peerResult] : [project],
    ...(typeof peer === 'string' ? { peerMissing: peer } : {}),
    ratios: crowdRatios(project, peerResult, config.crowdMultiples),
  };
}

function failed(system: CrowdSystemResult['system'], failure: string): CrowdSystemResult {
  return { system, label: system, opsProcess: 'ops', closed: null, capacityRps: null, steps: [], recovery: null, failure };
}
