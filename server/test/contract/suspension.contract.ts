import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, StoredUser } from '../../src/ports/store.js';

/** UserStore suspension: marked once, read back by every user read, cleared by unsuspend. */
export function describeSuspensionContract(
  adapter: string,
  open: () => Promise<{ store: Store; dispose: () => Promise<void> }>,
): void {
  describe(`Suspension contract: ${adapter}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let mallory: StoredUser;
    let bob: StoredUser;
    beforeEach(async () => {
      ({ store, dispose } = await open());
      const createdAt = new Date().toISOString();
      mallory = { id: randomUUID(), username: 'Mallory', passwordHash: 'h', createdAt };
      bob = { id: randomUUID(), username: 'bob', passwordHash: 'h', createdAt };
      await store.createUser(mallory);
      await store.createUser(bob);
    });
    afterEach(async () => {
      await dispose();
    });

    const first = { at: '2026-01-02T03:04:05.000Z', reason: 'spam, "links"\nand more', by: 'admin-id' };

    it('a new account is not suspended, by any read', async () => {
      expect((await store.findUserById(mallory.id))?.suspension).toBeUndefined();
      expect((await store.findUserByUsername('mallory'))?.suspension).toBeUndefined();
      const [listed] = await store.listUsers({ search: 'mallory', limit: 1 });
      expect(listed).not.toHaveProperty('suspension');
    });

    it('suspends once, and every read shows the suspension byte for byte; only that user', async () => {
      expect(await store.suspendUser(mallory.id, first)).toBe('suspended');
      expect((await store.findUserById(mallory.id))?.suspension).toEqual(first);
      expect((await store.findUserByUsername('MALLORY'))?.suspension).toEqual(first);
      const listed = await store.listUsers({ limit: 10 });
      expect(listed.find((u) => u.id === mallory.id)?.suspension).toEqual(first);
      expect(listed.find((u) => u.id === bob.id)).not.toHaveProperty('suspension');
      expect((await store.findUserById(bob.id))?.suspension).toBeUndefined();

      // A second suspension keeps the first one's time, reason and actor.
      const again = { at: '2026-02-02T00:00:00.000Z', reason: 'other', by: 'cli' };
      expect(await store.suspendUser(mallory.id, again)).toBe('already-suspended');
      expect((await store.findUserById(mallory.id))?.suspension).toEqual(first);
    });

    it('unsuspends, and says when there was nothing to do or nobody', async () => {
      expect(await store.unsuspendUser(mallory.id)).toBe('not-suspended');
      await store.suspendUser(mallory.id, { ...first, reason: '' });
      expect((await store.findUserById(mallory.id))?.suspension).toEqual({ ...first, reason: '' });
      expect(await store.unsuspendUser(mallory.id)).toBe('unsuspended');
      expect((await store.findUserById(mallory.id))?.suspension).toBeUndefined();
      expect(await store.unsuspendUser(mallory.id)).toBe('not-suspended');
      // The password and everything else are untouched.
      expect(await store.findUserById(mallory.id)).toEqual(mallory);

      const nobody = randomUUID();
      expect(await store.suspendUser(nobody, first)).toBe('no-user');
      expect(await store.unsuspendUser(nobody)).toBe('no-user');
    });
  });
}
