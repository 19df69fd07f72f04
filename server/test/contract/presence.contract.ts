import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence } from '../../src/ports/presence.js';

export interface PresenceUnderTest {
  /** Two nodes' views of one presence (the same object for an in-process adapter). */
  a: Presence;
  b: Presence;
  dispose(): Promise<void>;
}

const alice = { id: 'u-alice', username: 'alice', color: '#aabbcc' };
const bob = { id: 'u-bob', username: 'bob', color: '#ccbbaa' };
const names = (users: { username: string }[]) => users.map((u) => u.username).sort();

/** The Presence contract: counted per connection, shared by every node. */
export function describePresenceContract(name: string, open: () => Promise<PresenceUnderTest>): void {
  describe(`Presence contract: ${name}`, () => {
    let p: PresenceUnderTest;
    beforeEach(async () => {
      p = await open();
    });
    afterEach(async () => {
      await p.dispose();
    });

    it('answers first and last connection exactly, across nodes', async () => {
      expect(await p.a.add('general', alice, 'c1')).toBe(true);
      expect(await p.b.add('general', alice, 'c2')).toBe(false);
      expect(await p.b.add('general', bob, 'c3')).toBe(true);
      expect(names((await p.a.online('general', 10)).users)).toEqual(['alice', 'bob']);
      expect(await p.a.remove('general', alice.id, 'c1')).toBe(false);
      expect(names((await p.b.online('general', 10)).users)).toEqual(['alice', 'bob']);
      expect(await p.b.remove('general', alice.id, 'c2')).toBe(true);
      expect(names((await p.a.online('general', 10)).users)).toEqual(['bob']);
      expect(await p.b.remove('general', alice.id, 'c2')).toBe(false);
    });

    it('keeps rooms apart and keeps the user record', async () => {
      await p.a.add('one', alice, 'c1');
      await p.a.add('two', bob, 'c2');
      expect(await p.b.online('one', 10)).toEqual({ users: [alice], total: 1 });
      expect(await p.b.online('two', 10)).toEqual({ users: [bob], total: 1 });
      expect(await p.b.online('three', 10)).toEqual({ users: [], total: 0 });
    });

    it('lists at most `limit` users but counts everyone', async () => {
      for (let i = 0; i < 25; i++)
        await p.a.add('busy', { id: `u${i}`, username: `user${i}`, color: '#ffffff' }, `c${i}`);
      const page = await p.b.online('busy', 10);
      expect(page.total).toBe(25);
      expect(page.users).toHaveLength(10);
      expect(new Set(page.users.map((u) => u.id)).size).toBe(10);
    });
  });
}
