import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { newUser } from '../helpers/http.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { openRawWebSocket } from '../helpers/raw-ws.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { GENEROUS_LIMITS } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

/**
 * SIGTERM on a real server process (PostgreSQL + Redis, so presence lives outside the process)
 * while one client ignores close frames and keeps sending: the process exits 0 within the
 * documented time, every acknowledged message is in the database, nothing sent after the close
 * is, and no presence entry of the node is left in Redis.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('SIGTERM with a client that ignores close frames: exit 0, acked messages on disk, presence cleaned', async () => {
  const database: TempDatabase = await createTempDatabase();
  cleanups.push(() => database.drop());
  const redisPrefix = await tempRedisPrefix();
  cleanups.push(() => redisPrefix.cleanup());
  const node: ServerProcess = await startServerProcess({
    ...GENEROUS_LIMITS,
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix.prefix,
  });
  cleanups.push(() => node.stop('SIGKILL'));

  const [ann, mallory] = await Promise.all([newUser(node.url, 'ann'), newUser(node.url, 'mallory')]);
  const honest = await connect(`${node.url.replace('http', 'ws')}/api/v1/ws`, ann);
  await honest.join();
  const raw = await openRawWebSocket(node.url, mallory);
  raw.sendText(JSON.stringify({ type: 'join', room: 'general' }));
  await raw.waitFor((frame) => frame.type === 'joined');

  const acked: Message[] = [];
  for (let i = 0; i < 20; i++) acked.push((await honest.sendText(`acked ${i}`)).message);
  const redis = new Redis(REDIS_URL);
  cleanups.push(() => Promise.resolve(redis.disconnect()));
  const presenceKeys = () => redis.keys(`${redisPrefix.prefix}:presence:*`);
  expect((await presenceKeys()).length).toBeGreaterThan(0);

  // The misbehaving client writes on, ignoring the 1001 it is sent.
  let sent = 0;
  const sending = (async () => {
    while (!raw.isGone && sent < 2000) {
      raw.sendText(
        JSON.stringify({ type: 'send', room: 'general', text: `ignored ${sent}`, clientMsgId: `ignored-${sent}` }),
      );
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const started = Date.now();
  const exitCode = await node.stop('SIGTERM');
  const took = Date.now() - started;
  await sending;

  expect(exitCode).toBe(0);
  // Documented: the close grace (WS_CLOSE_GRACE_MS, 1 s) plus the flush; a generous ceiling under load.
  expect(took).toBeLessThan(8000);
  expect(raw.closeCode).toBe(1001);
  expect((await honest.closed).code).toBe(1001);
  expect(node.output.join('')).not.toMatch(/shutdown took too long/);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  cleanups.push(() => client.end());
  const rows = await client.query<{ id: string; text: string }>(
    "select id, text from messages where room = 'general' order by seq",
  );
  const stored = rows.rows.map((row) => row.id);
  for (const message of acked) expect(stored).toContain(message.id);
  // What it sent before the close was stored and acknowledged; at most the one send in progress at
  // the close was stored without its ack reaching it; nothing it sent after the close was stored.
  const ignored = rows.rows.filter((row) => row.text.startsWith('ignored '));
  const answered = raw.frames.filter((frame) => frame.type === 'ack').length;
  expect(ignored.length - answered).toBeGreaterThanOrEqual(0);
  expect(ignored.length - answered).toBeLessThanOrEqual(1);
  expect(sent).toBeGreaterThan(ignored.length);
  expect(await presenceKeys()).toEqual([]);
}, 180_000); // a process start-up first
