import { request } from './http.js';

/** One scrape: every sample by its series (`name{a="x",b="y"}`, labels sorted), and the raw text. */
export interface Scrape {
  text: string;
  samples: Map<string, number>;
  /** The series' value, 0 when the series is absent (a counter that never moved). */
  value(series: string): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/**
 * A strict parser of the Prometheus text format (0.0.4): every line is a HELP, a TYPE or a sample;
 * every sample belongs to a family whose TYPE came first; names, labels and values are well formed;
 * no series appears twice. Throws naming the line otherwise.
 */
export function parseExposition(text: string): Map<string, number> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${index + 1}: ${line}`;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kind, name = '', rest = ''] = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line) ?? [];
      if (!NAME.test(name)) throw new Error(`bad metric name, ${where}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`bad type, ${where}`);
        if (types.has(name)) throw new Error(`TYPE twice, ${where}`);
        types.set(name, rest);
      }
      continue;
    }
    if (line === '') continue; // the format ignores empty lines
    if (line.startsWith('#')) throw new Error(`unexpected line, ${where}`);
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!match) throw new Error(`bad sample, ${where}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    const family = types.has(name) ? name : SUFFIXES.map((s) => name.slice(0, -s.length)).find((f) => types.has(f));
    if (!family || !name.startsWith(family)) throw new Error(`sample without a TYPE, ${where}`);
    const labels: string[] = [];
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`bad labels, ${where}`);
      labels.push(`${label[1]}="${label[2]}"`);
    }
    // What Prometheus reads (Go's ParseFloat): a decimal, or NaN and ±Inf in any case.
    const value = /^nan$/i.test(valueText)
      ? NaN
      : /^[+-]?inf$/i.test(valueText)
        ? (valueText.startsWith('-') ? -1 : 1) * Infinity
        : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(valueText)
          ? Number(valueText)
          : undefined;
    if (value === undefined) throw new Error(`bad value, ${where}`);
    const series = labels.length === 0 ? name : `${name}{${labels.sort().join(',')}}`;
    if (samples.has(series)) throw new Error(`series twice, ${where}`);
    samples.set(series, value);
  }
  return samples;
}

export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await request<string>(url, token === undefined ? {} : { token });
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  const text = String(response.body);
  const samples = parseExposition(text);
  return { text, samples, value: (series) => samples.get(series) ?? 0 };
}
