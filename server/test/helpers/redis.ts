import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's Redis. Tests use their own key prefix and delete its keys after. */
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export async function tempRedisPrefix(): Promise<{ prefix: string; cleanup: () => Promise<void> }> {
  const prefix = `parley-test:${process.pid}:${randomBytes(4).toString('hex')}`;
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${REDIS_URL}; start it (see README) — tests never skip it`, {
      cause: error,
    });
  }
  return {
    prefix,
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
