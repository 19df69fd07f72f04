import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, BusEnvelope } from '../../src/ports/bus.js';

export interface BusesUnderTest {
  /** Two nodes' buses on one medium (they may be the same object for an in-process bus). */
  a: Bus;
  b: Bus;
  dispose(): Promise<void>;
}

function collector(bus: Bus): { seen: BusEnvelope[]; next: (n: number) => Promise<BusEnvelope[]> } {
  const seen: BusEnvelope[] = [];
  const waiters: (() => void)[] = [];
  bus.subscribe((envelope) => {
    seen.push(envelope);
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    seen,
    async next(n) {
      const deadline = Date.now() + 30_000; // a ceiling: envelopes that never come
      while (seen.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} envelopes, saw ${seen.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return seen.slice(0, n);
    },
  };
}

/** The Bus contract: every adapter passes it unchanged. */
export function describeBusContract(name: string, open: () => Promise<BusesUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let buses: BusesUnderTest;
    beforeEach(async () => {
      buses = await open();
    });
    afterEach(async () => {
      await buses.dispose();
    });

    it('delivers an envelope from one node to another intact, tagged with the sender', async () => {
      const atB = collector(buses.b);
      const envelope: BusEnvelope = {
        nodeId: 'node-a',
        event: { kind: 'room', room: 'general', payload: '{"type":"message","text":"héllo 👋 \\u0000"}', seq: 42 },
      };
      await buses.a.publish(envelope);
      expect(await atB.next(1)).toEqual([envelope]);
    });

    it('keeps one publisher`s order', async () => {
      const atB = collector(buses.b);
      for (let i = 0; i < 50; i++) {
        await buses.a.publish({ nodeId: 'node-a', event: { kind: 'room', room: 'r', payload: String(i), seq: i } });
      }
      const got = await atB.next(50);
      expect(got.map((e) => (e.event.kind === 'room' ? e.event.seq : -1))).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
    });

    it('carries session revocations', async () => {
      const atB = collector(buses.b);
      await buses.a.publish({ nodeId: 'node-a', event: { kind: 'sessions-ended', sessionIds: ['s1', 's2'] } });
      expect((await atB.next(1))[0]?.event).toEqual({ kind: 'sessions-ended', sessionIds: ['s1', 's2'] });
    });

    it('stops delivering to an unsubscribed handler', async () => {
      const seen: BusEnvelope[] = [];
      const stop = buses.b.subscribe((envelope) => seen.push(envelope));
      const atB = collector(buses.b);
      stop();
      await buses.a.publish({ nodeId: 'node-a', event: { kind: 'room', room: 'r', payload: 'x' } });
      await atB.next(1);
      expect(seen).toEqual([]);
    });
  });
}
