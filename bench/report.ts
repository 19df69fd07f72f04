/**
 * Turns a run's results into tables — every Parley figure beside the baseline's and their ratio
 * (Parley / baseline) — printed as aligned text and written as Markdown for docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchResults, Pair } from './results.js';
import type { ConnectRun } from './scenarios/connect.js';
import type { FanoutResult, FanoutStep } from './scenarios/fanout.js';
import type { LoginRun } from './scenarios/login.js';
import type { ProfileResult } from './scenarios/profile.js';
import type { RequestFigures, RoomListResult } from './scenarios/room-list.js';
import type { RoomsResult } from './scenarios/rooms.js';
import type { SearchResult } from './scenarios/search.js';
import type { UploadFanoutResult } from './scenarios/upload.js';
import { round } from './stats.js';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

type Row<T> = [label: string, pick: (value: T) => number | undefined];

export function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function ratio(parley: number | undefined, baseline: number | undefined): string {
  if (parley === undefined || baseline === undefined || Number.isNaN(parley) || Number.isNaN(baseline)) return '—';
  if (baseline === 0) return parley === 0 ? '—' : '∞';
  return `${(parley / baseline).toFixed(2)}×`;
}

function compare<T>(
  title: string,
  rows: Row<T>[],
  parley: T | undefined,
  baseline: T | undefined,
  names = ['Parley'],
): Table {
  return {
    title,
    headers: ['', names[0] ?? 'Parley', 'baseline', 'Parley / baseline'],
    rows: rows.map(([label, pick]) => {
      const p = parley === undefined ? undefined : pick(parley);
      const b = baseline === undefined ? undefined : pick(baseline);
      return [label, fmt(p), fmt(b), ratio(p, b)];
    }),
  };
}

const CPU_ROWS: Row<{ serverCores: number; loadCores: number; machineCores: number; otherCores: number }>[] = [
  ['server CPU (cores)', (r) => r.serverCores],
  ['load generator CPU (cores)', (r) => r.loadCores],
  ['whole machine busy (cores)', (r) => r.machineCores],
  ['  of which other processes (cores)', (r) => r.otherCores],
];

const CONNECT_ROWS: Row<ConnectRun>[] = [
  ['connections/s', (r) => r.connectionsPerSecond],
  ['handshake p50 (ms)', (r) => r.handshakeP50Ms],
  ['handshake p99 (ms)', (r) => r.handshakeP99Ms],
  ['failed sockets', (r) => r.failed],
  ['server RSS, all open (MB)', (r) => r.serverRssMb],
  ['RSS per socket (KB)', (r) => r.rssPerSocketKb],
  ['server CPU per connection (µs)', (r) => r.serverCpuUsPerConnection],
  ...CPU_ROWS,
  ['  of which kernel time (cores)', (r) => r.kernelCores],
];

const STEP_ROWS: Row<FanoutStep>[] = [
  ['deliveries/s', (r) => r.deliveriesPerSecond],
  ['latency p50 (ms)', (r) => r.p50Ms],
  ['latency p95 (ms)', (r) => r.p95Ms],
  ['latency p99 (ms)', (r) => r.p99Ms],
  ['latency max (ms)', (r) => r.maxMs],
  ['ack p50 (ms)', (r) => r.ackP50Ms],
  ['ack p99 (ms)', (r) => r.ackP99Ms],
  ['lost', (r) => r.lost],
  ['duplicated', (r) => r.duplicates],
  ['out of order', (r) => r.outOfOrder],
  ['server CPU per delivery (µs)', (r) => r.serverCpuUsPerDelivery],
  ['  of which kernel, socket writes mostly (µs)', (r) => r.serverSystemUsPerDelivery],
  [
    '  of which user space, the server code (µs)',
    (r) => round(r.serverCpuUsPerDelivery - r.serverSystemUsPerDelivery, 2),
  ],
  ['server CPU per message (µs)', (r) => r.serverCpuUsPerMessage],
  ...CPU_ROWS,
  ['  of which kernel time (cores)', (r) => r.kernelCores],
  ['server RSS (MB)', (r) => r.serverRssMb],
];

const LOGIN_ROWS: Row<LoginRun>[] = [
  ['logins/s', (r) => r.loginsPerSecond],
  ['login p50 (ms)', (r) => r.loginP50Ms],
  ['login p99 (ms)', (r) => r.loginP99Ms],
  ['/health p99 idle (ms)', (r) => r.healthIdleP99Ms],
  ['/health p50 during logins (ms)', (r) => r.healthP50Ms],
  ['/health p99 during logins (ms)', (r) => r.healthP99Ms],
  ['/health max during logins (ms)', (r) => r.healthMaxMs],
  ['server CPU per login (ms)', (r) => r.serverCpuMsPerLogin],
  ['failed logins', (r) => r.failed],
  ...CPU_ROWS,
];

function fanoutTables(
  name: string,
  parley: FanoutResult | undefined,
  baseline: FanoutResult | undefined,
  baselineSweep = true,
): Table[] {
  const any = parley ?? baseline;
  if (!any) return [];
  const rate = any.reference.rate;
  const runs = any.reference.runs.length;
  const head = compare(
    `${name}: ${any.receivers} receivers + ${any.senders} senders in one room, ${rate} msg/s offered ` +
      `(${fmt(rate * (any.receivers + any.senders - 1))} deliveries/s), median of ${runs} run${runs === 1 ? '' : 's'}`,
    STEP_ROWS,
    parley?.reference.median,
    baseline?.reference.median,
    [parley?.label ?? 'Parley'],
  );
  const best: Row<FanoutResult>[] = [
    ['server CPU with all sockets open, idle (cores)', (r) => r.idleServerCores],
    ['highest rate with p99 < 100 ms, nothing lost (msg/s)', (r) => r.maxPassingRate],
    ['  deliveries/s at that rate', (r) => r.sweep.find((step) => step.rate === r.maxPassingRate)?.deliveriesPerSecond],
    [
      '  server CPU per delivery there (µs)',
      (r) => r.sweep.find((step) => step.rate === r.maxPassingRate)?.serverCpuUsPerDelivery,
    ],
  ];
  head.rows.push(...compare('', best, parley, baseline).rows);
  const sweeps = [parley, baselineSweep ? baseline : undefined]
    .filter((result): result is FanoutResult => result !== undefined && result.sweep.length > 0)
    .map((result) => sweepTable(`${name} sweep, ${result.label} (CPU columns in cores)`, result));
  return [head, ...sweeps];
}

function sweepTable(title: string, result: FanoutResult): Table {
  const steps = [...result.sweep].sort((a, b) => a.rate - b.rate);
  return {
    title,
    headers: [
      'msg/s',
      'deliveries/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'lost/dup/ooo',
      'µs/delivery',
      'server',
      'loadgen',
      'machine',
      'other',
      'result',
    ],
    rows: steps.map((step) => [
      fmt(step.rate),
      fmt(step.deliveriesPerSecond),
      fmt(step.p50Ms),
      fmt(step.p99Ms),
      fmt(step.maxMs),
      `${step.lost}/${step.duplicates}/${step.outOfOrder}`,
      fmt(step.serverCpuUsPerDelivery),
      fmt(step.serverCores),
      fmt(step.loadCores),
      fmt(step.machineCores),
      fmt(step.otherCores),
      (step.passed ? (step.why ? `ok; ${step.why}` : 'ok') : step.why) +
        (step.firstTry ? ` (2nd try; 1st: ${step.firstTry})` : ''),
    ]),
  };
}

export function buildTables(results: BenchResults): Table[] {
  const tables: Table[] = [];
  const { connect, fanout, login, cluster, profile } = results;
  const c = connect?.parley ?? connect?.baseline;
  if (connect && c) {
    tables.push(
      compare(
        `connect: ${fmt(c.sockets)} sockets (${c.users} users), ${c.concurrency} handshakes in flight, median of ${c.runs.length}`,
        CONNECT_ROWS,
        connect.parley?.median,
        connect.baseline?.median,
      ),
    );
  }
  if (fanout) tables.push(...fanoutTables('fanout', fanout.parley, fanout.baseline));
  const l = login?.parley ?? login?.baseline;
  if (login && l) {
    tables.push(
      compare(
        `login: bcrypt cost ${l.cost}, ${l.runs[0]?.logins ?? 0} logins ${l.concurrency} at a time, median of ${l.runs.length}`,
        LOGIN_ROWS,
        login.parley?.median,
        login.baseline?.median,
      ),
    );
  }
  // The cluster is compared with the same baseline run as fanout; its sweep is printed once.
  if (cluster) {
    tables.push(...fanoutTables('cluster', cluster.parley, cluster.baseline, cluster.baseline !== fanout?.baseline));
  }
  if (results.rooms) tables.push(...roomsTables(results.rooms, fanout));
  for (const list of results.roomlist ?? []) tables.push(roomListTable(list));
  if (results.search) tables.push(...searchTables(results.search));
  if (results.upload) tables.push(uploadTable(results.upload));
  if (profile) tables.push(...profileTables(profile.parley, profile.baseline));
  for (const [scenario, error] of Object.entries(results.errors)) {
    tables.push({ title: `${scenario}: FAILED`, headers: ['error'], rows: [[error.split('\n')[0] ?? error]] });
  }
  return tables;
}

function roomsTables(rooms: Pair<RoomsResult>, fanout: Pair<FanoutResult> | undefined): Table[] {
  const any = rooms.parley ?? rooms.baseline;
  if (!any) return [];
  const runs = any.reference.runs.length;
  const head = compare(
    `rooms: ${fmt(any.sockets)} sockets in ${any.rooms} rooms of ${any.roomSize} and ${any.dms} DMs (${any.users} ` +
      `users), every socket sending, ${any.reference.rate} msg/s offered in all, median of ${runs} run${runs === 1 ? '' : 's'}`,
    STEP_ROWS,
    rooms.parley?.reference.median,
    rooms.baseline?.reference.median,
  );
  const perDelivery = (result: { reference: { median: FanoutStep | undefined } } | undefined) =>
    result?.reference.median?.serverCpuUsPerDelivery;
  const single = fanout?.parley ?? fanout?.baseline;
  const byKind = (kind: 'parley' | 'baseline') => ({
    rooms: perDelivery(rooms[kind]),
    fanout: perDelivery(fanout?.[kind]),
  });
  const share = (figures: { rooms: number | undefined; fanout: number | undefined }) =>
    figures.rooms === undefined || figures.fanout === undefined ? undefined : round(figures.rooms / figures.fanout, 2);
  const versus = compare<'parley' | 'baseline'>(
    'server CPU per delivery (µs): many rooms beside one room (the fanout scenario of the same run)',
    [
      ['many rooms (this scenario)', (kind) => byKind(kind).rooms],
      [
        single
          ? `one room of ${fmt(single.receivers + single.senders)} (fanout, ${single.reference.rate} msg/s)`
          : 'one room (fanout: not run)',
        (kind) => byKind(kind).fanout,
      ],
      ['many rooms / one room', (kind) => share(byKind(kind))],
    ],
    'parley',
    'baseline',
  );
  return [head, versus];
}

const REQUEST_ROWS: Row<RequestFigures>[] = [
  ['p50 (ms)', (r) => r.p50Ms],
  ['p95 (ms)', (r) => r.p95Ms],
  ['p99 (ms)', (r) => r.p99Ms],
  ['max (ms)', (r) => r.maxMs],
  ['server CPU per request (ms)', (r) => r.serverCpuMsPerRequest],
  ['response (KiB)', (r) => r.responseKb],
];

function roomListTable(list: RoomListResult): Table {
  const verdict = list.many.p99Ms < 50 ? 'under 50 ms ✔' : 'over 50 ms ✘';
  return {
    title:
      `roomlist (${list.store}): GET /api/v1/rooms, ${list.requests} requests one at a time, for a member of ` +
      `${list.rooms} rooms (${fmt(list.messages)} messages, ${list.mentions} mentions) beside references; p99 ${verdict}`,
    headers: ['', `member of ${list.rooms} rooms`, 'member of 1 room', 'GET /health', `${list.rooms} rooms / 1 room`],
    rows: REQUEST_ROWS.map(([label, pick]) => [
      label,
      fmt(pick(list.many)),
      fmt(pick(list.one)),
      fmt(pick(list.health)),
      ratio(pick(list.many), pick(list.one)),
    ]),
  };
}

function searchTables(search: SearchResult): Table[] {
  const tables: Table[] = search.stores.map((r) => ({
    title:
      `search (${r.store}): ${fmt(r.messages)} messages in ${r.rooms} rooms (${r.readableRooms} readable), ` +
      `${r.queries} two-word queries matching ~${fmt(r.medianMatches)} each, one at a time; ` +
      `p99 ${r.search.p99Ms < 100 ? 'under 100 ms ✔' : 'over 100 ms ✘'}`,
    headers: ['', 'search (readable rooms)', 'search (one room)', 'next page', 'history page (baseline)'],
    rows: (['p50Ms', 'p99Ms', 'maxMs'] as const).map((key) => [
      key.replace('Ms', ' (ms)'),
      fmt(r.search[key]),
      fmt(r.oneRoom[key]),
      fmt(r.nextPage[key]),
      fmt(r.history[key]),
    ]),
  }));
  const a = search.append;
  tables.push({
    title: `search: SQLite appends per second (store appender, bursts of 100, ${fmt(a.appends)} each, best of two)`,
    headers: ['with the FTS5 index', 'without', 'with / without'],
    rows: [
      [fmt(a.withIndexPerSecond), fmt(a.withoutIndexPerSecond), ratio(a.withIndexPerSecond, a.withoutIndexPerSecond)],
    ],
  });
  return tables;
}

function profileTables(parley: ProfileResult | undefined, baseline: ProfileResult | undefined): Table[] {
  const tables: Table[] = [];
  for (const result of [parley, baseline]) {
    if (!result) continue;
    const s = result.summary;
    const perDelivery = (percent: number) => (s.busyMs * percent * 10) / Math.max(1, result.deliveries);
    tables.push({
      title:
        `profile, ${result.target}: ${result.rate} msg/s, main thread busy ${s.busyPercent} % of the ` +
        `${s.windowed ? 'measurement window' : 'whole run'} (${s.samples} busy samples); top self time`,
      headers: ['function', 'where', 'self %', 'total %', 'self µs/delivery'],
      rows: s.topSelf.map((line) => [
        line.name,
        line.where,
        fmt(line.selfPercent),
        fmt(line.totalPercent),
        fmt(perDelivery(line.selfPercent)),
      ]),
    });
    if (result.target === 'parley') {
      tables.push({
        title: 'profile, parley: its own functions by total time (callees included)',
        headers: ['function', 'where', 'self %', 'total %'],
        rows: s.topParleyTotal.map((line) => [line.name, line.where, fmt(line.selfPercent), fmt(line.totalPercent)]),
      });
    }
  }
  // Self time by group, in µs per delivery: the same unit for both, so the difference is what Parley adds.
  const groups = [...new Set([parley, baseline].flatMap((r) => r?.summary.byGroup.map((g) => g.group) ?? []))];
  const cost = (result: ProfileResult | undefined, group: string) => {
    if (!result) return undefined;
    const percent = result.summary.byGroup.find((g) => g.group === group)?.selfPercent ?? 0;
    return (result.summary.busyMs * percent * 10) / Math.max(1, result.deliveries);
  };
  groups.sort((a, b) => (cost(parley, b) ?? 0) - (cost(parley, a) ?? 0));
  if (groups.length > 0) {
    tables.push(
      compare(
        'profile: main-thread self time by group, µs per delivery',
        groups.map((group): Row<string> => [group, (kind) => cost(kind === 'parley' ? parley : baseline, group)]),
        'parley',
        'baseline',
      ),
    );
  }
  return tables;
}

export function renderText(tables: Table[]): string {
  return tables
    .map((table) => {
      const widths = table.headers.map((header, column) =>
        Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)),
      );
      const line = (cells: string[]) =>
        cells
          .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
          .join('  ');
      return [`\n${table.title}`, line(table.headers), ...table.rows.map(line)].join('\n');
    })
    .join('\n');
}

export function renderMarkdown(tables: Table[]): string {
  return tables
    .map((table) => {
      const escape = (cell: string) => cell.replace(/\|/g, '\\|');
      const align = table.headers.map((_, column) => (column === 0 ? ':--' : '--:'));
      return [
        `**${table.title}**`,
        '',
        `| ${table.headers.map(escape).join(' | ')} |`,
        `| ${align.join(' | ')} |`,
        ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
      ].join('\n');
    })
    .join('\n\n');
}

/** `npx tsx bench/report.ts [results.json]`: prints the tables of a saved run again (Markdown with --markdown). */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'bench/results/latest.json';
  const tables = buildTables(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  console.log(process.argv.includes('--markdown') ? renderMarkdown(tables) : renderText(tables));
}

function uploadTable(result: UploadFanoutResult): Table {
  const verdict =
    result.differenceMs <= result.budgetMs ? `within ${result.budgetMs} ms ✔` : `over ${result.budgetMs} ms ✘`;
  return {
    title:
      `upload: fan-out p99 of one node's room (${result.receivers} receivers, ${result.senders} senders, ` +
      `${result.rate} msg/s) with and without ${fmt(result.fileBytes / 1e6)} MB uploads through the same node; ` +
      `difference of medians ${result.differenceMs} ms, ${verdict}`,
    headers: ['pair', 'p99 alone (ms)', 'p99 with uploads (ms)', 'uploads', 'upload p50 (ms)', 'upload MB/s'],
    rows: [
      ...result.pairs.map((p, index) => [
        String(index + 1),
        fmt(p.without.p99Ms),
        fmt(p.with.p99Ms),
        `${p.uploads}${p.uploadFailures > 0 ? ` (${p.uploadFailures} failed)` : ''}`,
        fmt(p.uploadP50Ms),
        fmt(p.uploadMbPerSecond),
      ]),
      ['median', fmt(result.withoutP99Ms), fmt(result.withP99Ms), '', '', ''],
    ],
  };
}
