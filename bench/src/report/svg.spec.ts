import type { StepResult, SeriesResult } from './types';
import { escapeXml, linearTicks, logDomain, logScale, renderChart } from './svg';
import { summarize } from '../stats/percentiles';

function step(offeredRps: number, latencies: number[]): StepResult {
  return {
    mode: 'open',
    offeredRps,
    concurrency: null,
    windowS: 10,
    sent: latencies.length,
    achievedRps: offeredRps,
    ok: latencies.length,
    partial: 0,
    errors: 0,
    missing: 0,
    errorKinds: {},
    unmatched: 0,
    latencyMs: summarize(latencies),
    processes: {},
    disturbances: [],
  };
}

const series = (name: SeriesResult['name'], steps: StepResult[]): SeriesResult => ({
  name,
  label: `label of ${name}`,
  open: steps,
  closed: null,
});

describe('scales', () => {
  it('maps decades to equal distances on the log axis (up the page: larger latency, smaller y)', () => {
    const y = logScale(1, 1000, 500, 100);
    expect(y(1)).toBe(500);
    expect(y(10)).toBeCloseTo(500 - 400 / 3, 9);
    expect(y(100)).toBeCloseTo(500 - 800 / 3, 9);
    expect(y(1000)).toBe(100);
    expect(y(0)).toBe(500); // clamped to the bottom, no -Infinity
    expect(() => logScale(0, 10, 0, 1)).toThrow(RangeError);
  });

  it('chooses whole decades around the values', () => {
    expect(logDomain([1.7, 230])).toEqual([1, 1000]);
    expect(logDomain([10, 100])).toEqual([10, 100]);
    expect(logDomain([5, 5])).toEqual([1, 10]);
    expect(logDomain([0])).toEqual([0.1, 1]);
    expect(logDomain([])).toEqual([1, 10]);
  });

  it('makes round linear ticks from 0 that cover the maximum', () => {
    expect(linearTicks(3000)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(linearTicks(2100)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(linearTicks(0)).toEqual([0, 1]);
  });
});

describe('renderChart', () => {
  const svg = renderChart(
    [
      series('http', [step(250, [2, 3, 4]), step(1000, [5, 8, 40])]),
      series('kafka', [step(250, [3, 4, 5])]),
      series('floor-fanout', [step(250, [])]),
    ],
    { title: 'A <title> & "more"', subtitle: 'sub' },
  );

  it('is one svg document with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &lt;title&gt; &amp; &quot;more&quot;');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws one line per series and percentile that has points, none for a series without latencies', () => {
    const lines = [...svg.matchAll(/<polyline data-series="([^"]+)" data-percentile="([^"]+)" points="([^"]+)"/g)];
    expect(lines.map((m) => `${m[1]}/${m[2]}`)).toEqual([
      'http/p50',
      'http/p90',
      'http/p99',
      'http/p999',
      'kafka/p50',
      'kafka/p90',
      'kafka/p99',
      'kafka/p999',
    ]);
    const httpP50 = (lines[0]?.[3] ?? '').split(' ');
    expect(httpP50).toHaveLength(2);
    // Higher load, higher latency: to the right and up.
    const [a, b] = httpP50.map((p) => p.split(',').map(Number)) as [number[], number[]];
    expect(b[0]).toBeGreaterThan(a[0] as number);
    expect(b[1]).toBeLessThan(a[1] as number);
  });

  it('labels the log axis by decades and has a legend entry per series and percentile', () => {
    expect(svg).toContain('>1</text>');
    expect(svg).toContain('>10</text>');
    expect(svg).toContain('>100</text>');
    for (const text of ['label of http', 'label of kafka', 'label of floor-fanout', 'p50', 'p99.9'])
      expect(svg).toContain(`>${text}</text>`);
  });

  it('breaks a line at a step without latencies and marks disturbed steps hollow', () => {
    const disturbed = { ...step(3000, [50]), disturbances: ['kafka restarted as pid 7'] };
    const gap = renderChart([series('http', [step(250, [2]), step(1000, [3]), step(2000, []), disturbed])], { title: 't' });
    const p50 = [...gap.matchAll(/data-series="http" data-percentile="p50" points="([^"]+)"/g)].map((m) => (m[1] ?? '').split(' ').length);
    expect(p50).toEqual([2, 1]);
    expect(gap).toContain('(disturbed: a watched process restarted)');
    expect(gap).toMatch(/r="4" fill="#ffffff"/);
  });

  it('escapes the five XML characters', () => {
    expect(escapeXml(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });
});
