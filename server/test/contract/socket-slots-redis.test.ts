import { expect, it } from 'vitest';
import { RedisSocketSlots } from '../../src/adapters/socket-slots-redis.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';
import { describeSocketSlotsContract } from './socket-slots.contract.js';

describeSocketSlotsContract('Redis', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const a = new RedisSocketSlots(REDIS_URL, prefix, 30_000);
  const b = new RedisSocketSlots(REDIS_URL, prefix, 30_000);
  await Promise.all([a.start(), b.start()]);
  return {
    a,
    b,
    dispose: async () => {
      await Promise.all([a.close(), b.close()]);
      await cleanup();
    },
  };
});

it('keeps slots whose leases are renewed, and frees those of a node that stopped renewing', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const alive = new RedisSocketSlots(REDIS_URL, prefix, 600);
  const crashed = new RedisSocketSlots(REDIS_URL, prefix, 600);
  await Promise.all([alive.start(), crashed.start()]);
  expect(await alive.claim('u', 'kept', 2)).toBe(true);
  expect(await crashed.claim('u', 'lost', 2)).toBe(true);
  expect(await alive.claim('u', 'third', 2)).toBe(false);
  const renew = setInterval(() => void alive.keepAlive(), 150);
  try {
    // The crashed node's slot lapses; the renewed one stays, so exactly one new claim fits.
    await waitUntil(() => alive.claim('u', 'third', 2), 'the lapsed slot freed', { ceilingMs: 10_000, everyMs: 100 });
    expect(await alive.claim('u', 'fourth', 2)).toBe(false);
  } finally {
    clearInterval(renew);
    await alive.close();
    crashed['redis'].disconnect();
    await cleanup();
  }
});
