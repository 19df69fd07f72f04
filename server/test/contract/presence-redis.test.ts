import { expect, it } from 'vitest';
import { RedisPresence } from '../../src/adapters/presence-redis.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { describePresenceContract } from './presence.contract.js';

describePresenceContract('Redis', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const a = new RedisPresence(REDIS_URL, prefix);
  const b = new RedisPresence(REDIS_URL, prefix);
  await Promise.all([a.start(), b.start()]);
  return {
    a,
    b,
    dispose: async () => {
      await a.close();
      await b.close();
      await cleanup();
    },
  };
});

it('a quiet room keeps its online list while heartbeats go on, past the keys` own expiry', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const presence = new RedisPresence(REDIS_URL, prefix, 300, 100);
  await presence.start();
  await presence.add('quiet', { id: 'u1', username: 'still_here', color: '#ffffff' }, 'c1');
  await new Promise((resolve) => setTimeout(resolve, 2000)); // keys are kept 4 x TTL = 1.2 s per renewal
  expect((await presence.online('quiet', 10)).users.map((u) => u.username)).toEqual(['still_here']);
  await presence.close();
  await cleanup();
});

it('a crashed node`s users drop out of the online list within the TTL, while live ones stay', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const ttlMs = 600;
  const crashed = new RedisPresence(REDIS_URL, prefix, ttlMs, 100);
  const alive = new RedisPresence(REDIS_URL, prefix, ttlMs, 100);
  await Promise.all([crashed.start(), alive.start()]);
  const user = (id: string) => ({ id, username: id, color: '#ffffff' });
  await crashed.add('general', user('ghost'), 'c1');
  await alive.add('general', user('living'), 'c2');
  crashed.abandon();
  const started = Date.now();
  let online = ['ghost'];
  while (online.includes('ghost') && Date.now() - started < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    online = (await alive.online('general', 10)).users.map((u) => u.id);
  }
  const gone = Date.now() - started;
  expect(online).toEqual(['living']);
  expect(gone).toBeLessThan(ttlMs + 300);
  await alive.close();
  await cleanup();
});
