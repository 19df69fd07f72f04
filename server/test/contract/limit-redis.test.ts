import { RedisLimitFactory } from '../../src/adapters/rate-limit-redis.js';
import { REDIS_URL, tempRedisPrefix } from '../helpers/redis.js';
import { describeLimitContract } from './limit.contract.js';

describeLimitContract('Redis', async () => {
  const { prefix, cleanup } = await tempRedisPrefix();
  const factory = new RedisLimitFactory(REDIS_URL, prefix);
  await factory.start();
  return {
    factory,
    dispose: async () => {
      factory.close();
      await cleanup();
    },
  };
});
