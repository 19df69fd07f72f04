import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Limit, LimitFactory, LimitSpec } from '../ports/rate-limiter.js';
import { limitOver } from './rate-limit-common.js';
import { redisReady } from './redis-ready.js';

/**
 * Limits counted in Redis, so they hold across every node. While Redis is unreachable each limit
 * falls back to an in-memory one (rate-limiter-flexible's insurance limiter): limits keep working
 * per node instead of failing open or closed.
 */
export class RedisLimitFactory implements LimitFactory {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  create(name: string, spec: LimitSpec): Limit {
    const make = (suffix: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}:rl:${name}${suffix}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${name}${suffix}`, points, duration }),
      });
    const main = make('', spec.points, spec.windowSeconds);
    const burst = spec.burst ? make(':burst', spec.burst.points, spec.burst.windowSeconds) : undefined;
    return limitOver(main, burst, spec.points + (spec.burst?.points ?? 0));
  }

  start(): Promise<void> {
    return redisReady(this.redis);
  }

  /** Resolves when Redis answers (readiness). */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  close(): void {
    this.redis.disconnect();
  }
}
