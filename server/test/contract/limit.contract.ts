import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LimitFactory } from '../../src/ports/rate-limiter.js';

export interface LimitsUnderTest {
  factory: LimitFactory;
  dispose(): Promise<void>;
}

let names = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++names}`;

/** The Limit port's guarantees, run against every adapter. */
export function describeLimitContract(name: string, make: () => Promise<LimitsUnderTest>): void {
  describe(`Limit contract: ${name}`, () => {
    let under: LimitsUnderTest;
    beforeEach(async () => {
      under = await make();
    });
    afterEach(async () => {
      await under.dispose();
    });

    it('consumes atomically: concurrent calls for one key each see their own count', async () => {
      const limit = under.factory.create(fresh('atomic'), { points: 5, windowSeconds: 60 });
      const states = await Promise.all(Array.from({ length: 40 }, () => limit.consume('k')));
      const counts = states.map((state) => state.consumed).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(states.filter((state) => state.allowed)).toHaveLength(5);
      // Refused calls still count.
      expect((await limit.peek('k'))?.consumed).toBe(40);
    });

    it('reward gives back points taken in the window, so a refunded attempt is as if it never counted', async () => {
      const limit = under.factory.create(fresh('reward'), { points: 2, windowSeconds: 60 });
      await limit.consume('k');
      await limit.consume('k');
      expect((await limit.consume('k')).allowed).toBe(false);
      await limit.reward('k');
      expect((await limit.peek('k'))?.consumed).toBe(2);
      await limit.reward('k', 2);
      expect((await limit.peek('k'))?.consumed).toBe(0);
      expect((await limit.consume('k')).allowed).toBe(true);
      expect((await limit.consume('k')).allowed).toBe(true);
      expect((await limit.consume('k')).allowed).toBe(false);
    });

    it('reward never leaves a key richer than a fresh one', async () => {
      const limit = under.factory.create(fresh('credit'), { points: 2, windowSeconds: 60 });
      await limit.reward('never-consumed');
      expect(await limit.peek('never-consumed')).toBeUndefined();
      const states = [await limit.consume('never-consumed'), await limit.consume('never-consumed')];
      expect(states.map((state) => state.allowed)).toEqual([true, true]);
      expect((await limit.consume('never-consumed')).allowed).toBe(false);
    });

    it('concurrent rewards and consumes balance exactly', async () => {
      const limit = under.factory.create(fresh('balance'), { points: 1000, windowSeconds: 60 });
      await Promise.all(Array.from({ length: 30 }, () => limit.consume('k')));
      await Promise.all([
        ...Array.from({ length: 20 }, () => limit.reward('k')),
        ...Array.from({ length: 10 }, () => limit.consume('k')),
      ]);
      expect((await limit.peek('k'))?.consumed).toBe(20);
    });

    it('block refuses the key whatever its allowance; reset forgets it', async () => {
      const limit = under.factory.create(fresh('block'), { points: 100, windowSeconds: 60 });
      await limit.block('k', 30);
      const refused = await limit.consume('k');
      expect(refused.allowed).toBe(false);
      expect(refused.resetMs).toBeGreaterThan(25_000);
      expect((await limit.peek('k'))?.allowed).toBe(false);
      await limit.reset('k');
      expect(await limit.peek('k')).toBeUndefined();
      expect((await limit.consume('k')).allowed).toBe(true);
    });

    it('keys are counted apart', async () => {
      const limit = under.factory.create(fresh('apart'), { points: 1, windowSeconds: 60 });
      expect((await limit.consume('a')).allowed).toBe(true);
      expect((await limit.consume('a')).allowed).toBe(false);
      expect((await limit.consume('b')).allowed).toBe(true);
    });
  });
}
