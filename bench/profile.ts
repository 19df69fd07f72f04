/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums time per function: self time (the
 * function itself was on top of the stack) and total time (it was anywhere on the stack), keeping
 * only samples inside a time window so set-up work does not blur the hot path. Functions are also
 * grouped by where they live: Parley's own code, a dependency, Node internals, GC.
 */
import { readFileSync } from 'node:fs';
import { round } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  selfPercent: number;
  totalPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Busy samples (the profiler's idle samples left out) and the share of the window they cover. */
  samples: number;
  busyPercent: number;
  /** Milliseconds of busy samples (samples × the mean sampling interval). */
  busyMs: number;
  /** True when samples were cut to the measurement window; false when the window did not match. */
  windowed: boolean;
  topSelf: ProfileLine[];
  /** Parley's own functions by total time (where its hot path spends, callees included). */
  topParleyTotal: ProfileLine[];
  byGroup: { group: string; selfPercent: number }[];
}

export function summarizeProfile(
  file: string,
  windowUs?: { startUs: number; endUs: number },
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample times: startTime plus the running sum of deltas (µs, the same monotonic clock as ours).
  const kept: number[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (!windowUs || (at >= windowUs.startUs && at < windowUs.endUs)) kept.push(id);
  });
  const windowed = windowUs !== undefined && kept.length > 0;
  // Idle samples say the thread waited for I/O; percentages are of the time it was busy.
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const all = windowed ? kept : profile.samples;
  const samples = all.filter((id) => !idle.has(id));
  const spanUs = windowed ? windowUs.endUs - windowUs.startUs : profile.endTime - profile.startTime;
  const busyMs = (spanUs / 1000) * (samples.length / Math.max(1, all.length));

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const group = new Map<string, number>();
  for (const id of samples) {
    const node = byId.get(id);
    if (!node) continue;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + 1);
    group.set(
      groupOf(node.callFrame.url, node.callFrame.functionName),
      (group.get(groupOf(node.callFrame.url, node.callFrame.functionName)) ?? 0) + 1,
    );
    const onStack = new Set<string>();
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const frame = byId.get(cursor);
      if (frame) onStack.add(keyOf(frame));
    }
    for (const name of onStack) total.set(name, (total.get(name) ?? 0) + 1);
  }
  const percent = (count: number) => round((100 * count) / Math.max(1, samples.length), 1);
  const line = (key: string): ProfileLine => {
    const [name = '', where = ''] = key.split('\t');
    return { name, where, selfPercent: percent(self.get(key) ?? 0), totalPercent: percent(total.get(key) ?? 0) };
  };
  return {
    file,
    samples: samples.length,
    busyPercent: round((100 * samples.length) / Math.max(1, all.length), 1),
    busyMs: round(busyMs, 0),
    windowed,
    topSelf: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key]) => line(key)),
    topParleyTotal: [...total.entries()]
      .filter(([key]) => /(dist\/)?(server\/src|protocol)\//.test(key.split('\t')[1] ?? ''))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key]) => line(key)),
    byGroup: [...group.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => ({ group: name, selfPercent: percent(count) })),
  };
}

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}\t${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

function groupOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `dependency: ${modules[1]}`;
  if (url.includes('/server/src/')) return 'parley: server';
  if (url.includes('/protocol/')) return 'parley: protocol';
  return 'other';
}
