import type { LatencySummary } from '../stats/percentiles';
import type { SeriesName, SeriesResult } from './types';

/** A chart of latency percentiles against offered load: one line per series and percentile. */
export interface ChartOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

type PercentileKey = 'p50' | 'p90' | 'p99' | 'p999';

export const PERCENTILES: ReadonlyArray<{ key: PercentileKey; label: string; dash: string }> = [
  { key: 'p50', label: 'p50', dash: '' },
  { key: 'p90', label: 'p90', dash: '7 4' },
  { key: 'p99', label: 'p99', dash: '2 3' },
  { key: 'p999', label: 'p99.9', dash: '10 3 2 3' },
];

export const COLORS: Record<SeriesName, string> = {
  http: '#1f63b4',
  kafka: '#e8710a',
  'http-pk': '#17becf',
  'kafka-pk': '#8c564b',
  'floor-1hop': '#8a8a8a',
  'floor-fanout': '#2c9b3c',
  'floor-1hop-pk': '#9b59b6',
  'floor-fanout-pk': '#c0392b',
};

/** Smallest plotted latency: a log axis has no zero. */
const MIN_MS = 0.1;

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** Maps [lo, hi] (lo > 0) logarithmically onto [from, to]. */
export function logScale(lo: number, hi: number, from: number, to: number): (v: number) => number {
  if (!(lo > 0 && hi > lo)) throw new RangeError(`log scale needs 0 < lo < hi, got ${lo}, ${hi}`);
  const a = Math.log10(lo);
  const span = Math.log10(hi) - a;
  return (v) => from + ((Math.log10(Math.max(v, lo)) - a) / span) * (to - from);
}

/** Maps [0, max] linearly onto [from, to]. */
export function linearScale(max: number, from: number, to: number): (v: number) => number {
  return (v) => from + (v / max) * (to - from);
}

/** Decades that enclose every value: [10^floor(log10 min), 10^ceil(log10 max)], at least one decade. */
export function logDomain(values: readonly number[]): [number, number] {
  const positive = values.map((v) => Math.max(v, MIN_MS));
  if (positive.length === 0) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)) + 1e-9);
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...positive)) - 1e-9);
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

/** A round upper bound and step (1, 2, 2.5 or 5 × 10^k) giving about `count` linear ticks from 0. */
export function linearTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9 && ticks.length < 50; v += step) ticks.push(Number(v.toFixed(6)));
  return ticks;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v >= 1 ? v.toFixed(1) : String(Number(v.toPrecision(2)));
}

function latencyOf(summary: LatencySummary, key: PercentileKey): number | null {
  return summary[key];
}

/** The SVG document. Steps without latencies (nothing answered) are left out of their line. */
export function renderChart(series: readonly SeriesResult[], options: ChartOptions): string {
  const width = options.width ?? 980;
  const height = options.height ?? 560;
  const m = { left: 72, right: 250, top: 64, bottom: 56 };
  const plot = { x0: m.left, x1: width - m.right, y0: height - m.bottom, y1: m.top };

  const points = series.flatMap((s) =>
    s.open.flatMap((step) => PERCENTILES.map((p) => ({ x: step.offeredRps ?? 0, y: latencyOf(step.latencyMs, p.key) }))),
  );
  const ys = points.flatMap((p) => (p.y === null ? [] : [p.y]));
  const maxX = Math.max(1, ...points.map((p) => p.x));
  const xTicks = linearTicks(maxX);
  const xMax = xTicks[xTicks.length - 1] ?? maxX;
  const [yLo, yHi] = logDomain(ys);
  const x = linearScale(xMax, plot.x0, plot.x1);
  const y = logScale(yLo, yHi, plot.y0, plot.y1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${plot.x0}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`);
  if (options.subtitle) out.push(`<text x="${plot.x0}" y="44" fill="#555">${escapeXml(options.subtitle)}</text>`);

  // Grid and axes.
  for (let decade = yLo; decade <= yHi * 1.0001; decade *= 10) {
    for (const k of [1, 2, 5]) {
      const v = decade * k;
      if (v > yHi * 1.0001) break;
      const py = y(v).toFixed(1);
      out.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${py}" y2="${py}" stroke="${k === 1 ? '#cfcfcf' : '#ececec'}"/>`);
      out.push(
        `<text x="${plot.x0 - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" fill="${k === 1 ? '#222' : '#888'}">${fmt(v)}</text>`,
      );
    }
  }
  for (const t of xTicks) {
    const px = x(t).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${plot.y0}" y2="${plot.y1}" stroke="#ececec"/>`);
    out.push(`<text x="${px}" y="${plot.y0 + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${plot.x0}" y="${plot.y1}" width="${plot.x1 - plot.x0}" height="${plot.y0 - plot.y1}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${(plot.x0 + plot.x1) / 2}" y="${height - 14}" text-anchor="middle">offered load (req/s, open loop)</text>`);
  out.push(
    `<text x="18" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(plot.y0 + plot.y1) / 2})">latency (ms, log scale)</text>`,
  );

  // Lines.
  for (const s of series) {
    const color = COLORS[s.name];
    for (const p of PERCENTILES) {
      // Steps in order of rate; a step without this percentile breaks the line.
      const steps = s.open.filter((step) => step.offeredRps !== null).sort((a, b) => (a.offeredRps as number) - (b.offeredRps as number));
      const segments: Array<Array<{ rate: number; ms: number; disturbed: boolean }>> = [[]];
      for (const step of steps) {
        const v = latencyOf(step.latencyMs, p.key);
        if (v === null) segments.push([]);
        else segments[segments.length - 1]?.push({ rate: step.offeredRps as number, ms: v, disturbed: step.disturbances.length > 0 });
      }
      const dash = p.dash ? ` stroke-dasharray="${p.dash}"` : '';
      for (const pts of segments.filter((seg) => seg.length > 0)) {
        const coords = pts.map((q) => `${x(q.rate).toFixed(1)},${y(q.ms).toFixed(1)}`).join(' ');
        out.push(
          `<polyline data-series="${s.name}" data-percentile="${p.key}" points="${coords}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
        );
        for (const q of pts) {
          const fill = q.disturbed ? '#ffffff' : color;
          const note = q.disturbed ? ' (disturbed: a watched process restarted)' : '';
          out.push(
            `<circle cx="${x(q.rate).toFixed(1)}" cy="${y(q.ms).toFixed(1)}" r="${q.disturbed ? 4 : 2.5}" fill="${fill}" stroke="${color}"><title>${escapeXml(`${s.label} ${p.label} @ ${q.rate} req/s: ${q.ms.toFixed(2)} ms${note}`)}</title></circle>`,
          );
        }
      }
    }
  }

  // Legend.
  let ly = plot.y1 + 4;
  const lx = plot.x1 + 20;
  for (const s of series) {
    out.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${COLORS[s.name]}" stroke-width="3"/>`);
    out.push(`<text x="${lx + 36}" y="${ly}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
    ly += 20;
  }
  ly += 10;
  for (const p of PERCENTILES) {
    const dash = p.dash ? ` stroke-dasharray="${p.dash}"` : '';
    out.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="#333" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 36}" y="${ly}" dominant-baseline="middle">${p.label}</text>`);
    ly += 20;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
