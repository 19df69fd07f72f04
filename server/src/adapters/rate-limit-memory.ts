import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limit, LimitFactory, LimitSpec, LimitState } from '../ports/rate-limiter.js';

/** Limits held in this process (rate-limiter-flexible's memory limiter). */
export class MemoryLimitFactory implements LimitFactory {
  create(name: string, spec: LimitSpec): Limit {
    const main = new RateLimiterMemory({ keyPrefix: name, points: spec.points, duration: spec.windowSeconds });
    const burst = spec.burst
      ? new RateLimiterMemory({
          keyPrefix: `${name}:burst`,
          points: spec.burst.points,
          duration: spec.burst.windowSeconds,
        })
      : undefined;
    const bursty = burst ? new BurstyRateLimiter(main, burst) : undefined;
    const limit = spec.points + (spec.burst?.points ?? 0);
    return {
      async consume(key, points = 1) {
        try {
          const res = await (bursty ?? main).consume(key, points);
          return toState(res, true, limit);
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return toState(rejection, false, limit);
          throw rejection;
        }
      },
      async peek(key) {
        const res = await main.get(key);
        if (!res) return undefined;
        return toState(res, res.remainingPoints > 0, limit);
      },
      async block(key, seconds) {
        await main.block(key, seconds);
      },
      async reset(key) {
        await main.delete(key);
        await burst?.delete(key);
      },
    };
  }
}

function toState(res: RateLimiterRes, allowed: boolean, limit: number): LimitState {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetMs: Math.max(0, res.msBeforeNext),
    consumed: res.consumedPoints,
  };
}
