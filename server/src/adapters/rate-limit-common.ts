import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limit, LimitState } from '../ports/rate-limiter.js';

/** A Limit over rate-limiter-flexible limiters (memory or Redis alike), with an optional burst. */
export function limitOver(main: RateLimiterAbstract, burst: RateLimiterAbstract | undefined, allowance: number): Limit {
  const bursty = burst ? new BurstyRateLimiter(main, burst) : undefined;
  return {
    async consume(key, points = 1) {
      try {
        return toState(await (bursty ?? main).consume(key, points), true, allowance);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return toState(rejection, false, allowance);
        throw rejection;
      }
    },
    async peek(key) {
      const res = await main.get(key);
      return res ? toState(res, res.remainingPoints > 0, allowance) : undefined;
    },
    async reward(key, points = 1) {
      const res = await main.reward(key, points);
      // A refund after the window rolled over would start the next window in credit.
      if (res.consumedPoints < 0) await main.delete(key);
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

function toState(res: RateLimiterRes, allowed: boolean, limit: number): LimitState {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetMs: Math.max(0, res.msBeforeNext),
    consumed: res.consumedPoints,
  };
}
