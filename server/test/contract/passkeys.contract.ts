import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredPasskey, StoredPasskeyChallenge } from '../../src/ports/passkey-store.js';
import type { Store } from '../../src/ports/store.js';

/**
 * The passkey half of the Store contract (ports/passkey-store.ts): credential ids unique across users,
 * challenges consumed exactly once even by two Stores racing (two nodes), and a counter that only goes up.
 */
export interface PasskeyStoreUnderTest {
  store: Store;
  /** A second Store on the same database: another node. */
  peer: Store;
  dispose: () => Promise<void>;
}

export function describePasskeyContract(adapter: string, open: () => Promise<PasskeyStoreUnderTest>): void {
  describe(`Passkey store contract: ${adapter}`, () => {
    let store: Store;
    let peer: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, peer, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    async function user(): Promise<string> {
      const id = randomUUID();
      await store.createUser({
        id,
        username: `u${id.slice(0, 8)}`,
        passwordHash: 'x',
        createdAt: new Date().toISOString(),
      });
      return id;
    }

    function passkey(userId: string, more: Partial<StoredPasskey> = {}): StoredPasskey {
      return {
        id: randomUUID(),
        userId,
        publicKey: 'pk',
        counter: 0,
        transports: ['internal', 'hybrid'],
        deviceType: 'multiDevice',
        backedUp: true,
        name: 'Laptop',
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        ...more,
      };
    }

    function challenge(more: Partial<StoredPasskeyChallenge> = {}): StoredPasskeyChallenge {
      return {
        id: randomUUID(),
        challenge: 'c',
        purpose: 'login',
        boundTo: 'fp',
        userId: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:05:00.000Z',
        ...more,
      };
    }

    it('stores, lists, renames and removes a passkey, only for its owner', async () => {
      const alice = await user();
      const bob = await user();
      const key = passkey(alice, { counter: 7 });
      expect(await store.addPasskey(key)).toBe('added');
      expect(await peer.findPasskey(key.id)).toEqual(key);
      expect(await store.listPasskeys(alice)).toEqual([key]);
      expect(await store.listPasskeys(bob)).toEqual([]);
      expect(await store.renamePasskey(bob, key.id, 'mine now')).toBe(false);
      expect(await store.renamePasskey(alice, key.id, 'Phone')).toBe(true);
      expect((await store.findPasskey(key.id))?.name).toBe('Phone');
      expect(await store.removePasskey(bob, key.id)).toBe(false);
      expect(await store.removePasskey(alice, key.id)).toBe(true);
      expect(await store.findPasskey(key.id)).toBeUndefined();
    });

    it('refuses a credential id that another user already registered', async () => {
      const key = passkey(await user());
      expect(await store.addPasskey(key)).toBe('added');
      expect(await peer.addPasskey({ ...key, userId: await user() })).toBe('taken');
      expect((await store.findPasskey(key.id))?.userId).toBe(key.userId);
    });

    it('moves the counter only forward', async () => {
      const key = passkey(await user(), { counter: 5 });
      await store.addPasskey(key);
      const at = '2026-02-01T00:00:00.000Z';
      expect(await store.updatePasskeyUse(key.id, { counter: 5, backedUp: false, lastUsedAt: at })).toBe('stale');
      expect(await store.updatePasskeyUse(key.id, { counter: 4, backedUp: false, lastUsedAt: at })).toBe('stale');
      expect(await store.updatePasskeyUse(key.id, { counter: 6, backedUp: false, lastUsedAt: at })).toBe('updated');
      expect(await store.findPasskey(key.id)).toMatchObject({ counter: 6, backedUp: false, lastUsedAt: at });
      const counterless = passkey(key.userId);
      await store.addPasskey(counterless);
      expect(await store.updatePasskeyUse(counterless.id, { counter: 0, backedUp: true, lastUsedAt: at })).toBe(
        'updated',
      );
    });

    it('hands a challenge out once, even to two nodes racing for it', async () => {
      const c = challenge({ purpose: 'step-up', userId: await user(), boundTo: 'session-1' });
      await store.savePasskeyChallenge(c);
      const results = await Promise.all([
        store.consumePasskeyChallenge(c.id),
        peer.consumePasskeyChallenge(c.id),
        store.consumePasskeyChallenge(c.id),
        peer.consumePasskeyChallenge(c.id),
      ]);
      expect(results.filter((r) => r !== undefined)).toEqual([c]);
      expect(await store.consumePasskeyChallenge(c.id)).toBeUndefined();
    });

    it('a challenge begun on one node is finished on the other; expired ones are swept', async () => {
      const c = challenge();
      await store.savePasskeyChallenge(c);
      expect(await peer.consumePasskeyChallenge(c.id)).toEqual(c);
      const old = challenge({ expiresAt: '2026-01-01T00:01:00.000Z' });
      const fresh = challenge({ expiresAt: '2026-01-01T00:09:00.000Z' });
      await store.savePasskeyChallenge(old);
      await store.savePasskeyChallenge(fresh);
      expect(await store.deleteExpiredPasskeyChallenges('2026-01-01T00:05:00.000Z')).toBe(1);
      expect(await store.consumePasskeyChallenge(old.id)).toBeUndefined();
      expect(await store.consumePasskeyChallenge(fresh.id)).toEqual(fresh);
    });
  });
}
