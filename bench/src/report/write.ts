import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientRatios } from './ratios';
import { renderChart, type ChartOptions } from './svg';
import type { BenchResult } from './types';

/** The chart's title and subtitle for a result. */
export function chartTitle(result: BenchResult): ChartOptions {
  const c = result.config;
  return {
    title: `Latency percentiles against offered load — ${result.startedAt}`,
    subtitle: `${result.host.cpus} cores, node ${result.host.node}; open loop, ${c.durationS} s per step after ${c.warmupS} s warm-up; latency from the intended send time`,
  };
}

/** Reads a results file (older files without `disturbances` get an empty list, without `clientRatios` computed ones). */
export function readResult(file: string): BenchResult {
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  result.clientRatios ??= clientRatios(result.series);
  for (const s of result.series) for (const step of [...s.open, ...(s.closed ? [s.closed] : [])]) step.disturbances ??= [];
  return result;
}

/** A file-name-safe timestamp: 2025-01-31T12-34-56Z. */
export function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Writes `<dir>/<stamp>.json` and `.svg`, and copies them to `latest.json` / `latest.svg`. */
export function writeResults(dir: string, name: string, result: BenchResult): { json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(svg, renderChart(result.series, chartTitle(result)));
  copyFileSync(json, join(dir, 'latest.json'));
  copyFileSync(svg, join(dir, 'latest.svg'));
  return { json, svg };
}
