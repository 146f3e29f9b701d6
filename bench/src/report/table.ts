import { renderCrowd } from './crowd-table';
import { formatTable } from './table-format';
import type { BenchResult, StepResult } from './types';

export { formatTable } from './table-format';

const ms = (v: number | null): string => (v === null ? '-' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const ratio = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)}x`);

function loadOf(step: StepResult): string {
  return step.mode === 'open' ? String(step.offeredRps) : `closed/${step.concurrency}`;
}

function stepsOf(result: BenchResult): Array<{ series: string; step: StepResult }> {
  const out: Array<{ series: string; step: StepResult }> = [];
  for (const s of result.series) {
    for (const step of s.open) out.push({ series: s.name, step });
    if (s.closed) out.push({ series: s.name, step: s.closed });
  }
  return out;
}

/** Every order in which processes should appear in the resource tables. */
const PROCESS_ORDER = [
  'ops',
  'chain1',
  'chain2',
  'chain3',
  'echo1',
  'echo2',
  'echo3',
  'pk-echo1',
  'pk-echo2',
  'pk-echo3',
  'kafka',
  'etcd',
  'generator',
];

function processNames(result: BenchResult): string[] {
  const seen = new Set<string>();
  for (const { step } of stepsOf(result)) for (const name of Object.keys(step.processes)) seen.add(name);
  return [...PROCESS_ORDER.filter((n) => seen.has(n)), ...[...seen].filter((n) => !PROCESS_ORDER.includes(n)).sort()];
}

/** The human-readable report: latency/throughput, CPU, memory, ratios to the floor, the crowd series, warnings. */
export function renderReport(result: BenchResult): string {
  const parts: string[] = [];
  if (stepsOf(result).length > 0) parts.push(renderSeries(result));
  if (result.crowd) parts.push(renderCrowd(result.crowd));
  for (const s of result.series) if (s.failure) parts.push(`FAILED ${s.name}: ${s.failure}`);
  if (result.warnings.length > 0) parts.push(['warnings:', ...result.warnings.map((w) => `  - ${w}`)].join('\n'));
  return parts.join('\n\n');
}

/** The tables of the load series: latency/throughput, CPU, memory, ratios to the floor and between clients. */
function renderSeries(result: BenchResult): string {
  const c = result.config;
  const parts: string[] = [];
  const steps = stepsOf(result);
  parts.push(
    `Latency in ms from the intended send time (open loop: ${c.durationS} s per step after ${c.warmupS} s warm-up; ` +
      `closed loop: ${c.closedDurationS} s, N in flight). achieved = aggregates answered per second.`,
  );
  parts.push(
    formatTable(
      ['series', 'offered', 'achieved', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors', 'partial', 'unmatched', ''],
      steps.map(({ series, step }) => [
        series,
        loadOf(step),
        step.achievedRps.toFixed(0),
        ms(step.latencyMs.p50),
        ms(step.latencyMs.p90),
        ms(step.latencyMs.p99),
        ms(step.latencyMs.p999),
        ms(step.latencyMs.max),
        String(step.errors),
        String(step.partial),
        String(step.unmatched),
        step.disturbances.length > 0 ? '!' : '',
      ]),
    ),
  );
  const disturbed = steps
    .filter(({ step }) => step.disturbances.length > 0)
    .map(({ series, step }) => `  ${series} ${loadOf(step)}: ${step.disturbances.join('; ')}`);
  if (disturbed.length > 0)
    parts.push(['! disturbed steps (a watched process went away or restarted in the window):', ...disturbed].join('\n'));
  const errorLines = steps
    .filter(({ step }) => step.errors > 0)
    .map(
      ({ series, step }) =>
        `  ${series} ${loadOf(step)}: ${Object.entries(step.errorKinds)
          .map(([k, n]) => `${k} ×${n}`)
          .join(', ')}`,
    );
  if (errorLines.length > 0) parts.push(['errors by kind:', ...errorLines].join('\n'));

  const names = processNames(result);
  parts.push('CPU seconds per measured window (% of one core in parentheses; the machine has ' + `${result.host.cpus} cores)`);
  parts.push(
    formatTable(
      ['series', 'offered', ...names],
      steps.map(({ series, step }) => [
        series,
        loadOf(step),
        ...names.map((n) => {
          const u = step.processes[n];
          return u ? `${u.cpuSeconds.toFixed(1)} (${u.cpuPercent.toFixed(0)}%)` : '';
        }),
      ]),
    ),
  );
  parts.push('Peak RSS in MB per measured window');
  parts.push(
    formatTable(
      ['series', 'offered', ...names],
      steps.map(({ series, step }) => [
        series,
        loadOf(step),
        ...names.map((n) => (step.processes[n] ? step.processes[n].peakRssMb.toFixed(0) : '')),
      ]),
    ),
  );
  const lifetime = Object.entries(result.processes);
  if (lifetime.length > 0) {
    parts.push(
      formatTable(
        ['process (whole run)', 'pid', 'cpu s', 'VmHWM MB'],
        lifetime.map(([n, p]) => [n, String(p.pid), p.cpuSeconds.toFixed(1), p.peakRssMb.toFixed(0)]),
      ),
    );
  }
  if (result.ratios.length > 0) {
    parts.push('Gateway against the floor (throughput: fraction of the floor; p50/p99: multiple of the floor)');
    const rates = [...new Set(result.ratios.flatMap((r) => r.byRate.map((b) => b.offeredRps)))].sort((a, b) => a - b);
    parts.push(
      formatTable(
        ['gateway / floor', 'max req/s', ...rates.map((r) => `p50@${r}`), ...rates.map((r) => `p99@${r}`)],
        result.ratios.map((r) => [
          `${r.gateway} / ${r.floor}`,
          ratio(r.maxThroughput),
          ...rates.map((rate) => ratio(r.byRate.find((b) => b.offeredRps === rate)?.p50 ?? null)),
          ...rates.map((rate) => ratio(r.byRate.find((b) => b.offeredRps === rate)?.p99 ?? null)),
        ]),
      ),
    );
  }
  const clients = result.clientRatios ?? [];
  if (clients.length > 0) {
    parts.push(
      '@platformatic/kafka against kafkajs, gateway and floor (max req/s, p50, p99: platformatic / kafkajs; ' +
        'throughput above 1x and latency below 1x favour platformatic)',
    );
    const rates = [...new Set(clients.flatMap((r) => r.byRate.map((b) => b.offeredRps)))].sort((a, b) => a - b);
    parts.push(
      formatTable(
        ['platformatic / kafkajs', 'max req/s', ...rates.map((r) => `p50@${r}`), ...rates.map((r) => `p99@${r}`)],
        clients.map((r) => [
          `${r.candidate} / ${r.baseline}`,
          ratio(r.maxThroughput),
          ...rates.map((rate) => ratio(r.byRate.find((b) => b.offeredRps === rate)?.p50 ?? null)),
          ...rates.map((rate) => ratio(r.byRate.find((b) => b.offeredRps === rate)?.p99 ?? null)),
        ]),
      ),
    );
  }
  return parts.join('\n\n');
}
