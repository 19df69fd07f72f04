/**
 * Command-line options of `npm run bench -- [options]`. Defaults give the full run (about five
 * minutes on two cores); `--quick` is a smoke test of every scenario in about a minute.
 */
import { parseArgs } from 'node:util';

export const SCENARIOS = [
  'connect',
  'fanout',
  'login',
  'cluster',
  'rooms',
  'roomlist',
  'search',
  'upload',
  'profile',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  /** Which servers to run: both by default; one alone skips the comparison (quicker while tuning). */
  targets: ('parley' | 'baseline')[];
  /** Receiver processes of the load generator (the sender is one more). */
  workers: number;
  build: boolean;
  /** Total seconds a run may wait for other processes to quieten before measuring. */
  quietBudgetSeconds: number;
  /** SQLITE_SYNCHRONOUS for Parley on SQLite; undefined leaves the server's default. */
  sqliteSynchronous: 'normal' | 'full' | undefined;
  /** Also write the chart to docs/performance-fanout.svg. */
  docs: boolean;
  connect: { sockets: number; users: number; concurrency: number; repeats: number };
  fanout: {
    receivers: number;
    senders: number;
    users: number;
    /** Rates (messages/s) tried in order; the sweep doubles past the last while it passes. */
    rates: number[];
    maxRate: number;
    /** False skips the sweep: only the head-to-head rate is measured (quicker while tuning). */
    sweep: boolean;
    /** The rate at which both servers are compared head to head, repeated for medians. */
    referenceRate: number;
    repeats: number;
    warmupMs: number;
    measureMs: number;
    p99LimitMs: number;
    fillerChars: number;
  };
  login: { count: number; concurrency: number; cost: number; repeats: number };
  /** Many rooms: `rooms` rooms of `roomSize` sockets and `dms` two-socket DMs, every socket sending. */
  rooms: {
    rooms: number;
    roomSize: number;
    dms: number;
    /** Distinct users behind the sockets; each is in rooms × roomSize / users rooms. */
    users: number;
    /** Messages per second offered, all sockets together (the head-to-head rate). */
    rate: number;
    repeats: number;
    warmupMs: number;
    measureMs: number;
    p99LimitMs: number;
    fillerChars: number;
  };
  /** GET /api/v1/rooms for one user in many rooms, beside the same for a user in one room and /health. */
  roomList: { rooms: number; requests: number; stores: ('sqlite' | 'postgres')[] };
  /** The fanout's room at its reference rate, alone and while a 10 MB file is uploaded again and again. */
  upload: { fileBytes: number; pairs: number };
  profile: { seconds: number; rate: number };
  /** Full-text search over `messages` messages per store (scenarios/search.ts). */
  search: { messages: number; queries: number; appends: number; stores: ('sqlite' | 'postgres')[] };
}

const HELP = `npm run bench -- [options]

  --scenarios=connect,fanout,login,cluster,rooms,roomlist,search,upload   which to run (also: profile); default all eight
  --quick                 small and short: a smoke test of every scenario
  --targets=parley        only Parley (or only baseline); default both, side by side
  --sockets=N             connect: sockets to open (default 5000)
  --users=N               distinct users behind the sockets (default 100)
  --receivers=N           fanout: receivers in the room (default 1000)
  --senders=N             fanout: sending users (default 10)
  --rates=a,b,c           fanout: offered rates in messages/s, then doubling while it passes
  --reference-rate=R      fanout: the head-to-head rate, repeated for medians (default 20)
  --repeats=N             repeats of the head-to-head measurements (default 3)
  --no-sweep              fanout: only the head-to-head rate, no sweep of rates
  --measure=S             fanout: seconds measured per step (default 4)
  --logins=N              login: logins per repeat (default 20), --bcrypt-cost=C (default 12)
  --rooms=N               rooms: rooms of 10 sockets (default 200), plus N/2 DMs
  --rooms-rate=R          rooms: offered msg/s, all sockets together (default 400)
  --roomlist-rooms=N      roomlist: rooms the user belongs to (default 500)
  --roomlist-store=S      roomlist: sqlite, postgres or sqlite,postgres (default sqlite)
  --search-messages=N     search: messages in each store's corpus (default 1000000; --quick 20000)
  --workers=N             receiver processes of the load generator (default 2)
  --profile-seconds=S     profile: seconds of fanout under --cpu-prof (default 10)
  --profile-rate=R        profile: offered msg/s (default: twice the reference rate)
  --sqlite-synchronous=M  normal or full: Parley's SQLITE_SYNCHRONOUS (default: the server's default)
  --no-build              do not run npm run build:server first
  --docs                  also write docs/performance-fanout.svg
`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-sweep': { type: 'boolean', default: false },
      targets: { type: 'string' },
      sockets: { type: 'string' },
      users: { type: 'string' },
      receivers: { type: 'string' },
      senders: { type: 'string' },
      rates: { type: 'string' },
      'reference-rate': { type: 'string' },
      repeats: { type: 'string' },
      measure: { type: 'string' },
      logins: { type: 'string' },
      'roomlist-store': { type: 'string' },
      'roomlist-rooms': { type: 'string' },
      'search-messages': { type: 'string' },
      'rooms-rate': { type: 'string' },
      rooms: { type: 'string' },
      'bcrypt-cost': { type: 'string' },
      workers: { type: 'string' },
      'profile-seconds': { type: 'string' },
      'profile-rate': { type: 'string' },
      'sqlite-synchronous': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick;
  const int = (value: string | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new Error(`expected an integer >= ${min}, got "${value}"`);
    return parsed;
  };
  const scenarios = (values.scenarios ?? 'connect,fanout,login,cluster,rooms,roomlist,search,upload')
    .split(',')
    .map((name) => name.trim());
  for (const name of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n\n${HELP}`);
  }
  const targets = (values.targets ?? 'parley,baseline').split(',').map((name) => name.trim());
  for (const name of targets) {
    if (name !== 'parley' && name !== 'baseline') throw new Error(`unknown target "${name}"`);
  }
  const rates = (values.rates ?? (quick ? '50,200' : '10,20,40')).split(',').map((rate) => int(rate.trim(), 1));
  const repeats = int(values.repeats, quick ? 1 : 3);
  const synchronous = values['sqlite-synchronous'];
  if (synchronous !== undefined && synchronous !== 'normal' && synchronous !== 'full') {
    throw new Error(`--sqlite-synchronous is normal or full, not "${synchronous}"`);
  }
  const referenceRate = int(values['reference-rate'], quick ? 50 : 20);
  const rooms = int(values.rooms, quick ? 40 : 200);
  const stores = (values['roomlist-store'] ?? 'sqlite').split(',').map((name) => name.trim());
  for (const name of stores) {
    if (name !== 'sqlite' && name !== 'postgres')
      throw new Error(`--roomlist-store is sqlite or postgres, not "${name}"`);
  }
  return {
    scenarios: scenarios as ScenarioName[],
    targets: targets as BenchOptions['targets'],
    workers: int(values.workers, 2),
    build: !values['no-build'],
    quietBudgetSeconds: quick ? 15 : 120,
    sqliteSynchronous: synchronous,
    docs: values.docs,
    connect: {
      sockets: int(values.sockets, quick ? 500 : 5000),
      users: int(values.users, quick ? 20 : 100),
      concurrency: 100,
      repeats,
    },
    fanout: {
      receivers: int(values.receivers, quick ? 200 : 1000),
      senders: int(values.senders, quick ? 4 : 10),
      users: int(values.users, quick ? 20 : 100),
      rates,
      maxRate: quick ? 400 : 25_600,
      sweep: !values['no-sweep'],
      referenceRate,
      repeats,
      warmupMs: quick ? 500 : 1000,
      measureMs: int(values.measure, quick ? 2 : 4) * 1000,
      p99LimitMs: 100,
      fillerChars: 60,
    },
    login: {
      count: int(values.logins, quick ? 6 : 20),
      concurrency: 2,
      cost: int(values['bcrypt-cost'], 12, 4),
      repeats,
    },
    rooms: {
      rooms,
      roomSize: 10,
      dms: Math.floor(rooms / 2),
      users: Math.max(10, rooms),
      rate: int(values['rooms-rate'], quick ? 100 : 400),
      repeats,
      warmupMs: quick ? 500 : 1000,
      measureMs: int(values.measure, quick ? 2 : 4) * 1000,
      p99LimitMs: 100,
      fillerChars: 60,
    },
    roomList: {
      rooms: int(values['roomlist-rooms'], quick ? 100 : 500),
      requests: quick ? 50 : 200,
      stores: stores as BenchOptions['roomList']['stores'],
    },
    upload: { fileBytes: 10_000_000, pairs: repeats },
    profile: {
      seconds: int(values['profile-seconds'], quick ? 3 : 10),
      rate: int(values['profile-rate'], referenceRate * 2),
    },
    search: {
      messages: int(values['search-messages'], quick ? 20_000 : 1_000_000),
      queries: quick ? 40 : 300,
      appends: quick ? 2_000 : 20_000,
      stores: ['sqlite', 'postgres'],
    },
  };
}
