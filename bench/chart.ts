/**
 * An SVG chart of the fanout sweeps, drawn from the results JSON with no external tools: p99
 * latency (log scale, with the 100 ms limit) and delivered rate against offered load, one line per
 * server. Hollow points are steps that failed (p99 over the limit, or anything lost).
 *
 *   npx tsx bench/chart.ts bench/results/latest.json docs/performance-fanout.svg
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchResults } from './results.js';
import type { FanoutResult } from './scenarios/fanout.js';

const COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#862e9c'];
const PANEL = { width: 440, height: 300, left: 64, right: 16, top: 40, bottom: 48 };

interface Series {
  label: string;
  color: string;
  points: { x: number; y: number; ok: boolean }[];
}

export function fanoutChart(results: FanoutResult[], p99LimitMs: number): string {
  const withSteps = results.filter((result) => result.sweep.length > 0);
  const series = (pick: (step: FanoutResult['sweep'][number]) => number): Series[] =>
    withSteps.map((result, index) => ({
      label: result.label,
      color: COLORS[index % COLORS.length]!,
      points: [...result.sweep]
        .sort((a, b) => a.rate - b.rate)
        .map((step) => ({ x: step.rate, y: pick(step), ok: step.passed })),
    }));
  const first = withSteps[0];
  const receivers = first ? `${first.receivers} receivers + ${first.senders} senders` : '';
  const latency = panel(
    'p99 latency (ms, log scale)',
    series((step) => Math.max(step.p99Ms, 0.1)),
    true,
    p99LimitMs,
  );
  const offered: Series | undefined = first && {
    label: 'offered',
    color: '#adb5bd',
    points: [...new Set(withSteps.flatMap((result) => result.sweep.map((step) => step.rate)))]
      .sort((a, b) => a - b)
      .map((x) => ({ x, y: x * (first.receivers + first.senders - 1), ok: true })),
  };
  const rate = panel(
    'deliveries per second (grey: offered)',
    [...(offered ? [offered] : []), ...series((step) => step.deliveriesPerSecond)],
    false,
    undefined,
  );
  const width = PANEL.width * 2 + 20;
  const height = PANEL.height + 40;
  const legend = withSteps
    .map(
      (result, index) =>
        `<g transform="translate(${20 + index * 230},${height - 14})"><rect width="14" height="4" y="-6" fill="${COLORS[index % COLORS.length]}"/>` +
        `<text x="20" y="0">${escapeXml(result.label)}</text></g>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">fanout: ${escapeXml(receivers)} in one room, against offered messages/s (log scale)</text>`,
    `<text x="${width - 12}" y="${height - 14}" text-anchor="end" fill="#495057">hollow: step failed</text>`,
    `<g transform="translate(0,10)">${latency}</g>`,
    `<g transform="translate(${PANEL.width + 20},10)">${rate}</g>`,
    legend,
    '</svg>',
  ].join('\n');
}

/** Horizontal room an x-axis label needs (rates up to four digits at 12 px). */
const MIN_LABEL_GAP_PX = 30;

function panel(title: string, series: Series[], logY: boolean, limit: number | undefined): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y).concat(limit === undefined ? [] : [limit]);
  const x0 = Math.log2(Math.min(...xs));
  const x1 = Math.max(x0 + 1, Math.log2(Math.max(...xs)));
  const y0 = logY ? Math.floor(Math.log10(Math.min(...ys))) : 0;
  const y1 = logY ? Math.ceil(Math.log10(Math.max(...ys))) : niceCeil(Math.max(...ys));
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const sx = (x: number) => PANEL.left + ((Math.log2(x) - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => {
    const v = logY ? Math.log10(y) : y;
    return PANEL.top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;
  };
  const parts: string[] = [
    `<text x="${PANEL.left + plotW / 2}" y="${PANEL.top - 12}" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${PANEL.left}" y="${PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#868e96"/>`,
  ];
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  // Every tried rate gets a grid line; a label only where it does not run into the previous one.
  let lastLabelAt = Number.NEGATIVE_INFINITY;
  for (const x of xTicks) {
    parts.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${PANEL.top}" y2="${PANEL.top + plotH}" stroke="#f1f3f5"/>`);
    if (sx(x) - lastLabelAt < MIN_LABEL_GAP_PX) continue;
    lastLabelAt = sx(x);
    parts.push(`<text x="${sx(x)}" y="${PANEL.top + plotH + 16}" text-anchor="middle">${x}</text>`);
  }
  parts.push(
    `<text x="${PANEL.left + plotW / 2}" y="${PANEL.top + plotH + 34}" text-anchor="middle">offered messages/s</text>`,
  );
  const yTicks = logY
    ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i))
    : Array.from({ length: 5 }, (_, i) => (y1 * i) / 4);
  for (const y of yTicks) {
    parts.push(`<line x1="${PANEL.left}" x2="${PANEL.left + plotW}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${PANEL.left - 6}" y="${sy(y) + 4}" text-anchor="end">${short(y)}</text>`);
  }
  if (limit !== undefined) {
    parts.push(
      `<line x1="${PANEL.left}" x2="${PANEL.left + plotW}" y1="${sy(limit)}" y2="${sy(limit)}" stroke="#c92a2a" stroke-dasharray="6 4"/>`,
      `<text x="${PANEL.left + 4}" y="${sy(limit) - 4}" text-anchor="start" fill="#c92a2a">${limit} ms</text>`,
    );
  }
  for (const s of series) {
    const path = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    const dashed = s.label === 'offered' ? ' stroke-dasharray="4 4"' : '';
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dashed}/>`);
    if (dashed) continue;
    for (const p of s.points) {
      parts.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" stroke="${s.color}" stroke-width="2" fill="${p.ok ? s.color : '#ffffff'}"/>`,
      );
    }
  }
  return parts.join('\n');
}

function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function short(value: number): string {
  if (value >= 1_000_000) return `${value / 1_000_000}M`;
  if (value >= 1000) return `${value / 1000}k`;
  return String(value);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The sweeps of a results file, Parley first, then the baseline, then the cluster. */
export function chartFromResults(results: BenchResults): string | undefined {
  const sweeps = [results.fanout?.parley, results.fanout?.baseline, results.cluster?.parley].filter(
    (result): result is FanoutResult => result !== undefined && result.sweep.length > 0,
  );
  return sweeps.length === 0 ? undefined : fanoutChart(sweeps, results.options.fanout.p99LimitMs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [input = 'bench/results/latest.json', output = 'docs/performance-fanout.svg'] = process.argv.slice(2);
  const svg = chartFromResults(JSON.parse(readFileSync(input, 'utf8')) as BenchResults);
  if (!svg) throw new Error(`${input} has no fanout sweep`);
  writeFileSync(output, svg);
  console.log(`wrote ${output}`);
}
