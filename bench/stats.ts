/**
 * Latency statistics without keeping every sample: a log-bucketed histogram (1 % wide buckets over
 * microseconds) that load-generator processes fill and the runner merges. Percentiles read back the
 * bucket's upper edge, so they overstate by at most 1 %.
 */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.01^2000 µs is about 12 hours: room enough. */
const BUCKETS = 2000;

/** What crosses the process boundary: only the non-empty buckets. */
export interface HistogramData {
  buckets: [index: number, count: number][];
  count: number;
  max: number;
  sum: number;
}

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;
  sum = 0;

  /** Records one value in microseconds (negative values, from clock noise, count as zero). */
  record(valueUs: number): void {
    const value = valueUs > 1 ? valueUs : 1;
    const index = Math.min(BUCKETS - 1, Math.ceil(Math.log(value) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  merge(data: HistogramData): void {
    for (const [index, count] of data.buckets) this.counts[index] = (this.counts[index] ?? 0) + count;
    this.count += data.count;
    this.sum += data.sum;
    if (data.max > this.max) this.max = data.max;
  }

  /** The value in microseconds below which `fraction` of the samples lie. */
  percentile(fraction: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(fraction * this.count);
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index] ?? 0;
      if (seen >= rank) return Math.min(this.max, GROWTH ** index);
    }
    return this.max;
  }

  toData(): HistogramData {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { buckets, count: this.count, max: this.max, sum: this.sum };
  }

  /** Percentiles in milliseconds. */
  summary(): LatencySummary {
    const ms = (us: number) => round(us / 1000, 3);
    return {
      count: this.count,
      p50: ms(this.percentile(0.5)),
      p95: ms(this.percentile(0.95)),
      p99: ms(this.percentile(0.99)),
      max: ms(this.max),
      mean: ms(this.count === 0 ? 0 : this.sum / this.count),
    };
  }

  static from(parts: HistogramData[]): Histogram {
    const histogram = new Histogram();
    for (const part of parts) histogram.merge(part);
    return histogram;
  }
}

export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** For each numeric field, the median over the runs (non-numeric fields come from the first run). */
export function medianOf<T extends object>(runs: T[]): T {
  const first = runs[0];
  if (first === undefined) throw new Error('medianOf: no runs');
  const result = Object.assign({}, first) as Record<string, unknown>;
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === 'number') {
      result[key] = median(runs.map((run) => (run as Record<string, unknown>)[key] as number));
    }
  }
  return result as T;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Monotonic microseconds, comparable across processes on this machine (CLOCK_MONOTONIC). */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
