import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Limit, LimitFactory, LimitSpec } from '../ports/rate-limiter.js';
import { limitOver } from './rate-limit-common.js';

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
    return limitOver(main, burst, spec.points + (spec.burst?.points ?? 0));
  }
}
