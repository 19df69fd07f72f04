import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredSsoCode, StoredSsoFlow, StoredSsoIdentity } from '../../src/ports/sso-store.js';
import type { Store } from '../../src/ports/store.js';

/**
 * The single sign-on half of the Store contract (ports/sso-store.ts): identities unique by (issuer,
 * subject), the user and its first identity together or not at all, and flows and codes used exactly
 * once even by two Stores racing (two nodes), a used code still told apart from an unknown one.
 */
export interface SsoStoreUnderTest {
  store: Store;
  /** A second Store on the same database: another node. */
  peer: Store;
  dispose: () => Promise<void>;
}

const now = () => new Date().toISOString();
const later = () => new Date(Date.now() + 60_000).toISOString();

export function describeSsoContract(adapter: string, open: () => Promise<SsoStoreUnderTest>): void {
  describe(`SSO store contract: ${adapter}`, () => {
    let store: Store;
    let peer: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, peer, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    const newUser = (id = randomUUID()) => ({
      id,
      username: `u${id.slice(0, 8)}`,
      passwordHash: '!no-password',
      createdAt: now(),
    });
    const identity = (userId: string, more: Partial<StoredSsoIdentity> = {}): StoredSsoIdentity => ({
      id: randomUUID(),
      userId,
      provider: 'main',
      issuer: 'https://id.example.com',
      subject: randomUUID(),
      label: 'someone',
      linkedAt: now(),
      ...more,
    });
    const code = (more: Partial<StoredSsoCode> = {}): StoredSsoCode => ({
      codeHash: randomUUID(),
      kind: 'exchange',
      bindingHash: 'b',
      userId: null,
      pending: { provider: 'main', issuer: 'https://id.example.com', subject: 's', label: 'l', wanted: 'w_name' },
      createdAt: now(),
      expiresAt: later(),
      usedAt: null,
      ...more,
    });

    it('keys identities by (issuer, subject): a second link is taken, whoever holds the first', async () => {
      const a = newUser();
      const b = newUser();
      await store.createUser(a);
      await store.createUser(b);
      const first = identity(a.id);
      expect(await store.addSsoIdentity(first)).toBe('added');
      expect(await peer.addSsoIdentity(identity(b.id, { subject: first.subject }))).toBe('taken');
      expect(await store.addSsoIdentity(identity(b.id, { subject: first.subject, issuer: 'https://other' }))).toBe(
        'added',
      );
      expect((await store.findSsoIdentity(first.issuer, first.subject))?.userId).toBe(a.id);
      expect((await store.listSsoIdentities(a.id)).map((i) => i.id)).toEqual([first.id]);
      expect(await store.removeSsoIdentity(b.id, first.id)).toBe('not-found');
      expect(await store.removeSsoIdentity(a.id, first.id)).toBe('removed');
    });

    it('with keepOne, two removals at once of the last two identities take exactly one', async () => {
      const a = newUser();
      await store.createUser(a);
      const one = identity(a.id);
      const two = identity(a.id, { subject: `${one.subject}-2` });
      expect(await store.addSsoIdentity(one)).toBe('added');
      expect(await store.addSsoIdentity(two)).toBe('added');
      const outcomes = await Promise.all([
        // One store: SQLite's one connection serialises them; PostgreSQL's pool runs them at once.
        store.removeSsoIdentity(a.id, one.id, true),
        store.removeSsoIdentity(a.id, two.id, true),
      ]);
      expect(outcomes.sort()).toEqual(['last', 'removed']);
      expect(await store.listSsoIdentities(a.id)).toHaveLength(1);
      const [left] = await store.listSsoIdentities(a.id);
      expect(await store.removeSsoIdentity(a.id, left!.id, true)).toBe('last');
      expect(await store.removeSsoIdentity(a.id, left!.id)).toBe('removed');
    });

    it('creates the user and its identity together or not at all', async () => {
      const a = newUser();
      const taken = identity(a.id);
      expect(await store.createUserWithIdentity(a, taken)).toBe('created');
      expect((await store.findSsoIdentity(taken.issuer, taken.subject))?.userId).toBe(a.id);
      const b = newUser();
      expect(await store.createUserWithIdentity(b, identity(b.id, { subject: taken.subject }))).toBe('identity-taken');
      expect(await store.findUserById(b.id)).toBeUndefined();
      const c = newUser();
      const clash = { ...c, username: a.username.toUpperCase() };
      const fresh = identity(c.id);
      expect(await store.createUserWithIdentity(clash, fresh)).toBe('username-taken');
      expect(await store.findSsoIdentity(fresh.issuer, fresh.subject)).toBeUndefined();
    });

    it('gives a flow to exactly one of many racing consumers, on two nodes', async () => {
      const flow: StoredSsoFlow = {
        stateHash: randomUUID(),
        provider: 'main',
        pkceVerifier: 'v',
        nonce: 'n',
        bindingHash: 'b',
        purpose: 'login',
        userId: null,
        createdAt: now(),
        expiresAt: later(),
      };
      await store.saveSsoFlow(flow);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? peer : store).consumeSsoFlow(flow.stateHash, now())),
      );
      expect(results.filter((r) => r !== undefined)).toEqual([flow]);
      expect(await store.consumeSsoFlow('unknown', now())).toBeUndefined();
    });

    it('takes a code exactly once; later uses are "reused", unknown codes undefined', async () => {
      const saved = code({ userId: null });
      await store.saveSsoCode(saved);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? peer : store).consumeSsoCode(saved.codeHash, now())),
      );
      expect(results.map((r) => r?.outcome).sort()).toEqual([
        'reused',
        'reused',
        'reused',
        'reused',
        'reused',
        'taken',
      ]);
      expect(results[0]?.code.pending).toEqual(saved.pending);
      expect((await store.findSsoCode(saved.codeHash))?.usedAt).not.toBeNull();
      expect(await store.consumeSsoCode('unknown', now())).toBeUndefined();
    });

    it('sweeps flows and codes that expired before a time', async () => {
      const old = code({ expiresAt: new Date(Date.now() - 7200_000).toISOString() });
      const fresh = code();
      await store.saveSsoCode(old);
      await store.saveSsoCode(fresh);
      expect(await store.deleteExpiredSso(new Date(Date.now() - 3600_000).toISOString())).toBe(1);
      expect(await store.findSsoCode(old.codeHash)).toBeUndefined();
      expect(await store.findSsoCode(fresh.codeHash)).toBeDefined();
    });
  });
}
