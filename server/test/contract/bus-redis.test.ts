import { RedisBus } from '../../src/adapters/bus-redis.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { describeBusContract } from './bus.contract.js';

describeBusContract('Redis', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const a = new RedisBus(REDIS_URL, prefix);
  const b = new RedisBus(REDIS_URL, prefix);
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
