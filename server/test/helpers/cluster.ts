import { randomBytes } from 'node:crypto';
import { createTempDatabase, type TempDatabase } from './postgres.js';
import { startServerProcess, type ServerProcess } from './process.js';
import { REDIS_URL, tempRedisPrefix } from './redis.js';
import { GENEROUS_LIMITS } from './server.js';

export interface Cluster {
  nodes: ServerProcess[];
  database: TempDatabase;
  env: Record<string, string>;
  /** Starts one more node with the cluster's settings (after a kill, say). */
  addNode(extraEnv?: Record<string, string>): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/** N real server processes on one fresh PostgreSQL database and one Redis key prefix. */
export async function startCluster(size: number, extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTempDatabase();
  const redis = await tempRedisPrefix();
  const env = {
    ...GENEROUS_LIMITS,
    DATABASE_URL: database.url,
    REDIS_URL: process.env['CLUSTER_REDIS_URL'] ?? REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    // info: the start-up line carries the URL the helper waits for.
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const nodes: ServerProcess[] = [];
  // The first node runs the migrations; the others then start together.
  nodes.push(await startServerProcess(env));
  nodes.push(...(await Promise.all(Array.from({ length: size - 1 }, () => startServerProcess(env)))));
  return {
    nodes,
    database,
    env,
    async addNode(more = {}) {
      const node = await startServerProcess({ ...env, ...more });
      nodes.push(node);
      return node;
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      await redis.cleanup();
      await database.drop();
    },
  };
}

export const wsUrlOf = (node: ServerProcess) => `${node.url.replace('http', 'ws')}/api/v1/ws`;
