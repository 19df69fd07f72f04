/**
 * The cluster scenario's shared services: a fresh PostgreSQL database and a Redis key prefix, both
 * removed afterwards. Addresses come from BENCH_POSTGRES_URL / BENCH_REDIS_URL (or the test suite's
 * TEST_POSTGRES_URL / TEST_REDIS_URL), defaulting to the local services on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

const POSTGRES_ADMIN_URL =
  process.env['BENCH_POSTGRES_URL'] ??
  process.env['TEST_POSTGRES_URL'] ??
  'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const SKIP = '; or leave the cluster out: npm run bench -- --scenarios=connect,fanout,login';

export interface TempService {
  /** DATABASE_URL, or REDIS_PREFIX. */
  value: string;
  cleanup(): Promise<void>;
}

export async function tempDatabase(): Promise<TempService> {
  const name = `parley_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect().catch((error: unknown) => {
      throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set BENCH_POSTGRES_URL)${SKIP}`, {
        cause: error,
      });
    });
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { value: url.toString(), cleanup: () => admin(`drop database if exists ${name} with (force)`) };
}

export async function tempRedisPrefix(): Promise<TempService> {
  const prefix = `parley-bench:${process.pid}:${randomBytes(4).toString('hex')}`;
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${REDIS_URL} (set BENCH_REDIS_URL)${SKIP}`, { cause: error });
  }
  return {
    value: prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}
