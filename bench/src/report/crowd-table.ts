import { describeRecovery } from '../crowd/recovery';
import { formatTable } from './table-format';
import type { CrowdResult, CrowdStepResult, CrowdSystemResult, StepResult } from './types';

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? '-' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
const count = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : String(v));

function figure(v: number | null, note?: string): string {
  if (v === null) return note ?? '-';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A step whose generator sent its requests later than this (p99) measures the generator as much as the system. */
export const GENERATOR_BOUND_MS = 100;

/** Is this step generator-bound (its send lag p99 above `GENERATOR_BOUND_MS`)? */
export function generatorBound(step: CrowdStepResult): boolean {
  return (step.sendLagMs?.p99 ?? 0) > GENERATOR_BOUND_MS;
}

function stepRow(system: CrowdSystemResult, step: CrowdStepResult): string[] {
  const ops = step.processes[system.opsProcess];
  const generator = step.processes['generator'];
  return [
    system.system,
    step.label,
    String(step.offeredRps),
    step.goodputRps.toFixed(0),
    String(step.complete),
    String(step.partial),
    String(step.shed),
    String(step.errors),
    String(step.noAnswer),
    ms(step.latencyMs.p50),
    ms(step.latencyMs.p99),
    ms(step.shedLatencyMs.p99),
    ms(step.waitBeforeOpsMs.p50),
    ms(step.waitBeforeOpsMs.p99),
    ms(step.sendLagMs?.p99),
    count(step.tcp?.activeOpens),
    count(step.tcp?.listenOverflows),
    count(step.tcp?.synRetrans),
    ops ? `${ops.cpuPercent.toFixed(0)}%` : '-',
    ops ? ops.peakRssMb.toFixed(0) : '-',
    generator ? `${generator.cpuPercent.toFixed(0)}%` : '-',
    `${step.disturbances.length > 0 ? '!' : ''}${generatorBound(step) ? 'G' : ''}`,
  ];
}

/** The closed loop's row: achieved aggregates/s under goodput, its errors (503s included) under errors. */
function closedRow(system: CrowdSystemResult, closed: StepResult): string[] {
  const ops = closed.processes[system.opsProcess];
  const generator = closed.processes['generator'];
  return [
    system.system,
    `closed/${closed.concurrency}`,
    '-',
    closed.achievedRps.toFixed(0),
    String(closed.ok),
    String(closed.partial),
    '',
    String(closed.errors),
    '',
    ms(closed.latencyMs.p50),
    ms(closed.latencyMs.p99),
    ...Array.from({ length: 7 }, () => ''),
    ops ? `${ops.cpuPercent.toFixed(0)}%` : '-',
    ops ? ops.peakRssMb.toFixed(0) : '-',
    generator ? `${generator.cpuPercent.toFixed(0)}%` : '-',
    closed.disturbances.length > 0 ? '!' : '',
  ];
}

/**
 * The crowd series as text: one row per system and step (answers, latencies, the wait before
 * ops, the kernel's TCP counters, ops' and the generator's CPU), the recovery, kinds of failures,
 * and the project ÷ peer figures with their targets.
 */
export function renderCrowd(crowd: CrowdResult): string {
  const parts: string[] = [];
  const capacity = crowd.capacityRps === null ? 'not measured' : `${crowd.capacityRps.toFixed(0)} req/s`;
  parts.push(
    `Crowd: independent HTTP clients, connections ${crowd.connections}` +
      (crowd.connectionCap ? ` (at most ${crowd.connectionCap} open: the generator's file descriptors)` : '') +
      `; C = the project's closed loop on ${crowd.concurrency} ` +
      `keep-alive connections = ${capacity}; steps of ${crowd.durationS} s (lone = 20 req/s), the same absolute rates for both systems; ` +
      `latency in ms from the intended send time, no answer = none within 10 s. admitted = complete + partial; ` +
      `wait = latency − elapsedMs (before ops' handler, and back); lag = the generator's own lateness in sending; conns = TCP connections opened, ovf = listen overflows, ` +
      `syn-rtx = SYN retransmissions (whole machine); ops = its ops process, gen = the generator (% of one core, RSS MB).`,
  );
  const rows: string[][] = [];
  for (const system of crowd.systems) {
    if (system.closed) rows.push(closedRow(system, system.closed));
    for (const step of system.steps) rows.push(stepRow(system, step));
    if (system.recovery) rows.push(stepRow(system, system.recovery.step));
  }
  parts.push(
    formatTable(
      [
        'system',
        'step',
        'offered',
        'goodput',
        'complete',
        'partial',
        'shed',
        'errors',
        'no-ans',
        'p50',
        'p99',
        'shed p99',
        'wait p50',
        'wait p99',
        'lag p99',
        'conns',
        'ovf',
        'syn-rtx',
        'ops cpu',
        'ops MB',
        'gen cpu',
        '',
      ],
      rows,
    ),
  );
  const notes: string[] = [];
  for (const system of crowd.systems) {
    if (system.recovery)
      notes.push(`  ${system.system}: ${system.recovery.fromRps} → ${system.recovery.toRps} req/s: ${describeRecovery(system.recovery)}`);
  }
  if (notes.length > 0) parts.push(['recovery (from the drop):', ...notes].join('\n'));
  const bound = crowd.systems.flatMap((system) =>
    [...system.steps, ...(system.recovery ? [system.recovery.step] : [])]
      .filter(generatorBound)
      .map((step) => `${system.system} ${step.label} (${ms(step.sendLagMs.p99)} ms)`),
  );
  if (bound.length > 0) {
    parts.push(
      `G generator-bound — the generator sent these steps' requests late by p99 > ${GENERATOR_BOUND_MS} ms, so their latencies, ` +
        `no-answers and goodput measure the generator as much as the system: ${bound.join(', ')}`,
    );
  }
  const disturbed = crowd.systems.flatMap((system) =>
    [...system.steps, ...(system.recovery ? [system.recovery.step] : [])]
      .filter((step) => step.disturbances.length > 0)
      .map((step) => `  ${system.system} ${step.label}: ${step.disturbances.join('; ')}`),
  );
  if (disturbed.length > 0)
    parts.push(['! disturbed steps (a watched process went away or restarted in the window):', ...disturbed].join('\n'));
  const kinds: string[] = [];
  for (const system of crowd.systems) {
    for (const step of [...system.steps, ...(system.recovery ? [system.recovery.step] : [])]) {
      const entries = Object.entries(step.kinds);
      if (entries.length > 0) kinds.push(`  ${system.system} ${step.label}: ${entries.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    }
    if (system.failure) kinds.push(`  ${system.system} FAILED: ${system.failure}`);
  }
  if (kinds.length > 0) parts.push(['not admitted, by kind:', ...kinds].join('\n'));
  if (crowd.peerMissing) parts.push(`peer not measured: ${crowd.peerMissing}`);
  parts.push('Crowd: project ÷ peer (targets from the issue)');
  parts.push(
    formatTable(
      ['figure', 'project', 'peer', 'project ÷ peer', 'target', 'met'],
      crowd.ratios.map((r) => [
        r.figure,
        figure(r.project, r.projectNote),
        figure(r.peer, r.peerNote),
        r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
        r.target,
        r.met === null ? '' : r.met ? 'yes' : 'NO',
      ]),
    ),
  );
  return parts.join('\n\n');
}
