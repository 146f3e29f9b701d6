import type { CrowdRatioRow, CrowdStepResult, CrowdSystemResult } from './types';

/** A target: the ratio (project ÷ peer) or the project's own figure against a bound. */
interface Target {
  on: 'ratio' | 'project';
  op: '≥' | '≤';
  value: number;
  unit?: string;
}

function divide(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b <= 0) return null;
  return a / b;
}

function row(figure: string, project: number | null, peer: number | null, target?: Target): CrowdRatioRow {
  const ratio = divide(project, peer);
  if (!target) return { figure, project, peer, ratio, target: '', met: null };
  const value = target.on === 'ratio' ? ratio : project;
  const met = value === null ? null : target.op === '≥' ? value >= target.value : value <= target.value;
  return { figure, project, peer, ratio, target: `${target.on} ${target.op} ${target.value}${target.unit ?? ''}`, met };
}

function stepOf(system: CrowdSystemResult | undefined, label: string): CrowdStepResult | undefined {
  return system?.steps.find((s) => s.label === label);
}

/**
 * Goodput over what the system could have served: its own capacity, or the offered rate when that
 * is lower (a system with room to spare should serve all of it).
 */
export function goodputShare(step: CrowdStepResult | undefined, capacityRps: number | null | undefined): number | null {
  if (!step || capacityRps === null || capacityRps === undefined) return null;
  return divide(step.goodputRps, Math.min(step.offeredRps, capacityRps));
}

/**
 * The project's figures against the peer's, each with the target: closed-loop capacity,
 * p99 at 1,000 req/s, lone p50 at 20 req/s, and at every multiple above 1: goodput share, admitted
 * p99 over the system's own lowest-multiple p99, shed p99, listen overflows; then recovery time.
 * Without a peer the peer column is null and only the targets on the project's own figures are judged.
 */
export function crowdRatios(
  project: CrowdSystemResult | undefined,
  peer: CrowdSystemResult | undefined,
  multiples: readonly number[],
): CrowdRatioRow[] {
  const p99 = (s: CrowdSystemResult | undefined, label: string): number | null => stepOf(s, label)?.latencyMs.p99 ?? null;
  const rows: CrowdRatioRow[] = [
    row('closed-loop capacity (req/s)', project?.capacityRps ?? null, peer?.capacityRps ?? null, { on: 'ratio', op: '≥', value: 1 }),
    row('p99 at 1000 req/s (ms)', p99(project, '1000'), p99(peer, '1000'), { on: 'ratio', op: '≤', value: 1 }),
    row('lone p50 at 20 req/s (ms)', stepOf(project, 'lone')?.latencyMs.p50 ?? null, stepOf(peer, 'lone')?.latencyMs.p50 ?? null, {
      on: 'ratio',
      op: '≤',
      value: 1.25,
    }),
  ];
  const low = multiples[0];
  for (const m of multiples.filter((x) => x > 1)) {
    const at = `${m}x`;
    const own = (s: CrowdSystemResult | undefined): number | null => divide(p99(s, at), low === undefined ? null : p99(s, `${low}x`));
    const overflows = (s: CrowdSystemResult | undefined): number | null => stepOf(s, at)?.tcp?.listenOverflows ?? null;
    rows.push(
      row(
        `${at} C: goodput ÷ C`,
        goodputShare(stepOf(project, at), project?.capacityRps),
        goodputShare(stepOf(peer, at), peer?.capacityRps),
        {
          on: 'project',
          op: '≥',
          value: 0.9,
        },
      ),
      row(`${at} C: admitted p99 ÷ own ${low}x p99`, own(project), own(peer), { on: 'project', op: '≤', value: 3 }),
      row(`${at} C: shed p99 (ms)`, stepOf(project, at)?.shedLatencyMs.p99 ?? null, stepOf(peer, at)?.shedLatencyMs.p99 ?? null, {
        on: 'project',
        op: '≤',
        value: 10,
        unit: ' ms',
      }),
      row(`${at} C: listen overflows`, overflows(project), overflows(peer)),
    );
  }
  const recovered = (s: CrowdSystemResult | undefined): number | null =>
    s?.recovery?.recoveredAfterMs === null || s?.recovery?.recoveredAfterMs === undefined ? null : s.recovery.recoveredAfterMs / 1000;
  const recovery = row('recovery time (s)', recovered(project), recovered(peer), { on: 'project', op: '≤', value: 2, unit: ' s' });
  const notBack = (s: CrowdSystemResult | undefined): string | undefined =>
    s?.recovery && s.recovery.thresholdMs !== null && s.recovery.recoveredAfterMs === null
      ? `not within ${(s.recovery.sliceP99Ms.length * s.recovery.sliceMs) / 1000} s`
      : undefined;
  const projectNote = notBack(project);
  const peerNote = notBack(peer);
  // Measured but never back: the target is missed, not unknown.
  if (projectNote) recovery.met = false;
  rows.push({ ...recovery, ...(projectNote ? { projectNote } : {}), ...(peerNote ? { peerNote } : {}) });
  return rows;
}
