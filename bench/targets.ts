/**
 * The servers a scenario runs against, each a child process on 127.0.0.1 with a free port:
 * Parley as `npm start` runs it (`node dist/server/src/main.js`, NODE_ENV=production, SQLite in a
 * temporary DATA_DIR, or PostgreSQL + Redis for a cluster), and the baseline server. The limits a
 * benchmark would otherwise hit from one IP are lifted; everything else is Parley's default.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeCredentials, mintCredentials, type Credential } from './accounts.js';
import { onExit } from './cleanup.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { REDIS_URL, tempDatabase, tempRedisPrefix, type TempService } from './services.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type TargetKind = 'parley' | 'baseline';

export interface Target {
  kind: TargetKind;
  nodes: ServerProcess[];
  serverPids: () => number[];
  /** `count` distinct users: real logins on Parley, same-sized stand-ins on the baseline. */
  credentials(prefix: string, count: number): Promise<Credential[]>;
  stop(): Promise<void>;
}

export interface TargetOptions {
  bcryptCost: number;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** 1 = SQLite; more = that many nodes on a temporary PostgreSQL database and Redis prefix. */
  nodes?: number;
  /** One node on a temporary PostgreSQL database (no Redis) instead of SQLite. */
  postgres?: boolean;
  sqliteSynchronous?: 'normal' | 'full' | undefined;
}

/** Limits a load test from one address would trip over; each at or near its configured maximum. */
export const LIFTED_LIMITS: Record<string, string> = {
  RATE_LIMIT_LOGIN_FREE_FAILURES: '1000',
  RATE_LIMIT_LOGIN_IP_PER_HOUR: '1000000',
  RATE_LIMIT_LOGIN_USER_PER_HOUR: '1000000',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '100000',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '100000',
  RATE_LIMIT_REGISTER_IP_PER_HOUR: '1000000',
  RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE: '1000000',
  WS_MAX_SOCKETS_PER_USER: '100000',
  RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
  RATE_LIMIT_MESSAGES_BURST: '1000000',
  RATE_LIMIT_FRAMES_PER_SECOND: '1000000',
  RATE_LIMIT_FRAMES_BURST: '1000000',
  RATE_LIMIT_USER_FRAMES_PER_SECOND: '1000000',
  RATE_LIMIT_USER_FRAMES_BURST: '1000000',
  WS_MAX_QUEUED_FRAMES: '100000',
  // Conversations (issue 12): the rooms scenario creates hundreds of rooms and DMs for a few users.
  RATE_LIMIT_ROOMS_PER_HOUR: '1000000',
  RATE_LIMIT_DMS_PER_HOUR: '1000000',
  ROOMS_PER_USER_MAX: '1000000',
  ROOM_MEMBERS_MAX: '10000000',
  // Files (issue 18): the upload scenario sends one user's 10 MB file hundreds of times.
  FILE_QUOTA_BYTES: '1000000000000',
};

export async function startParley(options: TargetOptions): Promise<Target> {
  const nodeCount = options.nodes ?? 1;
  const cleanups: (() => Promise<void> | void)[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    // Production insists on it. The load generator is no browser: it sends the cookies back over
    // plain HTTP whatever their Secure flag, so the bench measures the production cookie path.
    COOKIE_SECURE: 'true',
    // info: the start-up line carries the URL we wait for (and info is the production default).
    LOG_LEVEL: 'info',
    BCRYPT_COST: String(options.bcryptCost),
    PUBLIC_DIR: join(ROOT, 'web/dist'),
    ...LIFTED_LIMITS,
    // Metrics on, on a listener of their own, as an operator runs it, so every figure pays for them.
    // PARLEY_BENCH_METRICS=off runs without them: the before/after figure of issue 15.
    ...(process.env['PARLEY_BENCH_METRICS'] === 'off' ? {} : { METRICS_PORT: '0' }),
    ...(options.sqliteSynchronous ? { SQLITE_SYNCHRONOUS: options.sqliteSynchronous } : {}),
  };
  const nodes: ServerProcess[] = [];
  // Once, however many callers (a scenario's finally and an interrupt) ask at the same time.
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      forget();
      await Promise.all(nodes.map((node) => node.stop()));
      for (const cleanup of [...cleanups].reverse()) await cleanup();
    })());
  const forget = onExit(stopAll);
  try {
    if (nodeCount > 1 || options.postgres) {
      const database: TempService = await tempDatabase();
      cleanups.push(() => database.cleanup());
      env['DATABASE_URL'] = database.value;
    }
    if (nodeCount > 1) {
      const redis = await tempRedisPrefix();
      cleanups.push(() => redis.cleanup());
      Object.assign(env, { REDIS_URL, REDIS_PREFIX: redis.value });
    }
    const args = [...(options.nodeArgs ?? []), 'dist/server/src/main.js'];
    // The first node runs the migrations; the others start after it.
    for (let index = 0; index < nodeCount; index++) {
      nodes.push(await startServerProcess(`parley#${index + 1}`, args, env, ROOT));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  let minted = 0;
  return {
    kind: 'parley',
    nodes,
    serverPids: () => nodes.map((node) => node.pid),
    credentials: async (prefix, count) => {
      // Unique names even when a scenario asks twice on one server.
      minted++;
      return mintCredentials(nodes[0]!.url, `${prefix}${minted}`, count);
    },
    stop: stopAll,
  };
}

let tokenShape: Credential | undefined;

/** Remembers the size of a real token and cookie, so the baseline's stand-ins match it. */
export function rememberCredentialShape(credential: Credential | undefined): void {
  tokenShape ??= credential;
}

export async function startBaseline(options: TargetOptions): Promise<Target> {
  const node = await startServerProcess(
    'baseline',
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'bench/baseline-server.ts'],
    { PORT: '0', BCRYPT_COST: String(options.bcryptCost) },
    ROOT,
  );
  return {
    kind: 'baseline',
    nodes: [node],
    serverPids: () => [node.pid],
    credentials: (prefix, count) => Promise.resolve(fakeCredentials(prefix, count, tokenShape)),
    stop: () => node.stop(),
  };
}

export function startTarget(kind: TargetKind, options: TargetOptions): Promise<Target> {
  return kind === 'parley' ? startParley(options) : startBaseline(options);
}
