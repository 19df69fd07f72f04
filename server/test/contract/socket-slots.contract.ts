import { afterEach, describe, expect, it } from 'vitest';
import type { SocketSlots } from '../../src/ports/socket-slots.js';

/** Two views of one slot store: two nodes sharing Redis, or the same in-memory store twice. */
export interface SlotsHarness {
  a: SocketSlots;
  b: SocketSlots;
  dispose(): Promise<void>;
}

/** The SocketSlots guarantees, run against every adapter. */
export function describeSocketSlotsContract(name: string, open: () => Promise<SlotsHarness>): void {
  describe(`SocketSlots contract: ${name}`, () => {
    let harness: SlotsHarness | undefined;
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });

    it('grants up to max slots per user, each user apart, and one more after a release', async () => {
      harness = await open();
      const { a, b } = harness;
      expect(await a.claim('u1', 's1', 2)).toBe(true);
      expect(await b.claim('u1', 's2', 2)).toBe(true);
      expect(await a.claim('u1', 's3', 2)).toBe(false);
      expect(await b.claim('u2', 's4', 2)).toBe(true);
      await a.release('u1', 's1');
      await a.release('u1', 's1'); // idempotent
      expect(await b.claim('u1', 's3', 2)).toBe(true);
      expect(await a.claim('u1', 's5', 2)).toBe(false);
    });

    it('is atomic: of 50 concurrent claims on two views, exactly max succeed', async () => {
      harness = await open();
      const { a, b } = harness;
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).claim('busy', `s${i}`, 7)),
      );
      expect(answers.filter(Boolean)).toHaveLength(7);
      await a.keepAlive();
      expect(await b.claim('busy', 'late', 7)).toBe(false);
    });
  });
}
