import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, Store, StoredRefreshToken, StoredSession, StoredUser } from '../../src/ports/store.js';
import { addMembers } from '../helpers/members.js';

/**
 * The Store contract: every adapter must pass this suite unchanged. `open` gives a fresh, empty
 * store; `dispose` removes whatever it created.
 */
export interface StoreUnderTest {
  store: Store;
  /** A second Store on the same database, as another node would have (when the adapter allows it). */
  peer?: Store;
  dispose: () => Promise<void>;
}

/**
 * `multiNode`: the adapter serves several nodes at once (PostgreSQL), so `open` also gives a `peer` Store
 * and the two-node case is part of its contract; a single-node adapter (SQLite) does not declare it.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<StoreUnderTest>,
  { multiNode = false }: { multiNode?: boolean } = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let peer: Store | undefined;
    let dispose: () => Promise<void>;
    const now = () => new Date().toISOString();

    beforeEach(async () => {
      ({ store, peer, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    /** A new user, a member of every room that exists at the time (messages need a member). */
    async function user(username = `u_${randomUUID().slice(0, 8)}`): Promise<StoredUser> {
      const record: StoredUser = { id: randomUUID(), username, passwordHash: 'x', createdAt: now() };
      expect(await store.createUser(record)).toBe('created');
      for (const room of await store.listRooms()) await addMembers(store, room.name, record.id);
      return record;
    }

    /** The room's last seq now: members joining took seqs of their own. */
    async function seqBase(room: string): Promise<number> {
      return (await store.findRoom(room))?.lastSeq ?? 0;
    }

    function message(room: string, userId: string, clientMsgId: string = randomUUID(), text = 'hello'): NewMessage {
      return { id: randomUUID(), room, userId, clientMsgId, text, createdAt: now() };
    }

    it('usernames are unique regardless of case, and found regardless of case', async () => {
      const alice = await user('Alice_1');
      expect(await store.createUser({ ...alice, id: randomUUID(), username: 'aLICE_1' })).toBe('taken');
      expect((await store.findUserByUsername('ALICE_1'))?.id).toBe(alice.id);
      expect((await store.findUserById(alice.id))?.username).toBe('Alice_1');
      expect(await store.findUserByUsername('nobody')).toBeUndefined();
    });

    it('seqs start at 1 and strictly increase per room with no gaps under concurrent appends', async () => {
      await store.ensureRoom('alpha', now());
      await store.ensureRoom('beta', now());
      const users = await Promise.all([user(), user(), user()]);
      const [alphaBase, betaBase] = [await seqBase('alpha'), await seqBase('beta')];
      const appends = [];
      for (let i = 0; i < 60; i++) {
        const author = users[i % users.length]!;
        appends.push(store.appendMessage(message(i % 3 === 0 ? 'beta' : 'alpha', author.id, `m-${i}`, `text ${i}`)));
      }
      const results = await Promise.all(appends);
      const seqs = (room: string) =>
        results
          .filter((r) => r.status === 'created' && r.message.room === room)
          .map((r) => (r.status === 'created' ? r.message.seq : -1))
          .sort((a, b) => a - b);
      expect(seqs('alpha')).toEqual(Array.from({ length: 40 }, (_, i) => alphaBase + i + 1));
      expect(seqs('beta')).toEqual(Array.from({ length: 20 }, (_, i) => betaBase + i + 1));
      expect((await store.findRoom('alpha'))?.lastSeq).toBe(alphaBase + 40);
    });

    const multiNodeIt = multiNode ? it : () => undefined;
    multiNodeIt('seqs stay gap-free and a clientMsgId stores once when two nodes append at the same time', async () => {
      if (!peer) throw new Error('a multi-node adapter must give a peer store');
      await store.ensureRoom('shared', now());
      const author = await user();
      const base = await seqBase('shared');
      const nodes = [store, peer];
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          nodes[i % 2]!.appendMessage(message('shared', author.id, `n-${i % 60}`, `from node ${i % 2}`)),
        ),
      );
      const created = results.filter((r) => r.status === 'created');
      expect(created).toHaveLength(60);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(20);
      const seqs = created.map((r) => (r.status === 'created' ? r.message.seq : 0)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => base + i + 1));
    });

    it('a repeated clientMsgId from the same user stores once and returns the original', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
      const first = await store.appendMessage(message('alpha', author.id, 'same-id', 'original'));
      const again = await Promise.all([
        store.appendMessage(message('alpha', author.id, 'same-id', 'retry 1')),
        store.appendMessage(message('alpha', author.id, 'same-id', 'retry 2')),
      ]);
      expect(first.status).toBe('created');
      for (const result of again) {
        expect(result.status).toBe('duplicate');
        if (result.status === 'duplicate' && first.status === 'created') expect(result.message).toEqual(first.message);
      }
      expect(await store.messagesAfter('alpha', 0, 100)).toHaveLength(1);
      // Another user may use the same clientMsgId.
      const other = await user();
      expect((await store.appendMessage(message('alpha', other.id, 'same-id'))).status).toBe('created');
    });

    it('an append answers with exactly the message history reads back', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user('Zoë_echo');
      const base = await seqBase('alpha');
      const sent = message('alpha', author.id, 'echo-1', '  indented *markdown* ✓\n');
      const result = await store.appendMessage(sent);
      expect(result.status).toBe('created');
      if (result.status !== 'created') return;
      expect(result.message).toEqual({
        ...sent,
        seq: base + 1,
        username: 'Zoë_echo',
        editedAt: null,
        deletedAt: null,
        replyToId: null,
        mentions: [],
      });
      expect(await store.messagesAfter('alpha', 0, 10)).toEqual([result.message]);
    });

    it('in one burst, a failing append loses only itself and a repeated clientMsgId stores once', async () => {
      const outsider = await user();
      await store.ensureRoom('alpha', now());
      const author = await user();
      const base = await seqBase('alpha');
      const burst = [
        store.appendMessage(message('alpha', author.id, 'b-1')),
        // A mention of a user the database does not know: refused by the foreign key.
        store.appendMessage({ ...message('alpha', author.id, 'b-ghost'), mentions: [randomUUID()] }),
        // An author who is not a member: refused, and takes no seq.
        store.appendMessage(message('alpha', outsider.id, 'b-outsider')),
        store.appendMessage(message('alpha', author.id, 'b-2')),
        store.appendMessage(message('alpha', author.id, 'b-2', 'the same send, retried')),
        store.appendMessage(message('nowhere', author.id, 'b-3')),
        store.appendMessage(message('alpha', author.id, 'b-4')),
      ];
      const settled = await Promise.allSettled(burst);
      expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.status : 'rejected'))).toEqual([
        'created',
        'rejected',
        'not-member',
        expect.stringMatching(/^(created|duplicate)$/),
        expect.stringMatching(/^(created|duplicate)$/),
        'no-room',
        'created',
      ]);
      const stored = await store.messagesAfter('alpha', 0, 10);
      expect(stored.map((m) => m.seq)).toEqual([base + 1, base + 2, base + 3]);
      expect(stored.map((m) => m.clientMsgId).sort()).toEqual(['b-1', 'b-2', 'b-4']);
      expect((await store.findRoom('alpha'))?.lastSeq).toBe(base + 3);
    });

    it('appending to a missing room stores nothing', async () => {
      const author = await user();
      expect((await store.appendMessage(message('nowhere', author.id))).status).toBe('no-room');
      expect(await store.messagesAfter('nowhere', 0, 10)).toEqual([]);
    });

    it('history pages by cursor return every message exactly once, in order', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
      const base = await seqBase('alpha');
      for (let i = 1; i <= 53; i++) await store.appendMessage(message('alpha', author.id, `c${i}`, `n${i}`));
      const seen: number[] = [];
      let before = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const page = await store.messagesBefore('alpha', before, 10);
        if (page.length === 0) break;
        const pageSeqs = page.map((m) => m.seq);
        expect(pageSeqs).toEqual([...pageSeqs].sort((a, b) => a - b));
        seen.unshift(...pageSeqs);
        before = page[0]!.seq;
      }
      expect(seen).toEqual(Array.from({ length: 53 }, (_, i) => base + i + 1));
      const after = await store.messagesAfter('alpha', base + 50, 100);
      expect(after.map((m) => m.text)).toEqual(['n51', 'n52', 'n53']);
      expect(after[0]?.username).toBe(author.username);
    });

    it('text round-trips byte for byte', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
      const texts = [
        "Robert'); DROP TABLE messages;--",
        '\u202Etxt.exe',
        '👩‍👩‍👧‍👦 ﷽',
        'a\u0001b\u007f',
        '<script>alert(1)</script>',
      ];
      for (const text of texts) await store.appendMessage(message('alpha', author.id, randomUUID(), text));
      expect((await store.messagesAfter('alpha', 0, 10)).map((m) => m.text)).toEqual(texts);
    });

    function session(userId: string, overrides: Partial<StoredSession> = {}): StoredSession {
      const id = randomUUID();
      return {
        id,
        userId,
        familyId: id,
        fingerprintHash: 'fp-hash',
        createdAt: now(),
        lastSeenAt: now(),
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        ip: '127.0.0.1',
        userAgent: 'test',
        revokedAt: null,
        revokedReason: null,
        proofAt: null,
        ...overrides,
      };
    }

    function token(s: StoredSession, overrides: Partial<StoredRefreshToken> = {}): StoredRefreshToken {
      return {
        tokenHash: randomUUID(),
        sessionId: s.id,
        familyId: s.familyId,
        createdAt: now(),
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        spentAt: null,
        ...overrides,
      };
    }

    it('sessions are stored with their first refresh token and found', async () => {
      const author = await user();
      const s = session(author.id);
      const first = token(s);
      await store.createSession(s, first);
      expect(await store.findSession(s.id)).toEqual(s);
      expect(await store.findRefreshToken(first.tokenHash)).toEqual(first);
      expect(await store.findSession(randomUUID())).toBeUndefined();
      expect(await store.findRefreshToken('nope')).toBeUndefined();
    });

    it('keeps a session`s proof of identity from creation, and a later proof replaces it', async () => {
      const author = await user();
      const proven = session(author.id, { proofAt: '2030-01-01T00:00:00.000Z' });
      await store.createSession(proven, token(proven));
      expect((await store.findSession(proven.id))?.proofAt).toBe('2030-01-01T00:00:00.000Z');
      await store.recordSessionProof(proven.id, '2030-01-01T00:04:00.000Z');
      expect((await store.findSession(proven.id))?.proofAt).toBe('2030-01-01T00:04:00.000Z');
      const never = session(author.id);
      await store.createSession(never, token(never));
      expect((await store.findSession(never.id))?.proofAt).toBeNull();
    });

    it('a refresh token is spent exactly once under concurrent rotations', async () => {
      const author = await user();
      const s = session(author.id);
      const first = token(s);
      await store.createSession(s, first);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.rotateRefreshToken(first.tokenHash, token(s), now())),
      );
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already-spent')).toHaveLength(19);
      expect((await store.findRefreshToken(first.tokenHash))?.spentAt).not.toBeNull();
    });

    it('revokes by session, family and user, answering only the sessions it revoked now', async () => {
      const author = await user();
      const [a, b, c] = [session(author.id), session(author.id), session(author.id)];
      for (const s of [a, b, c]) await store.createSession(s, token(s));
      expect(await store.revokeSessions({ sessionId: a.id }, now(), 'logout')).toEqual([a.id]);
      expect(await store.revokeSessions({ sessionId: a.id }, now(), 'logout')).toEqual([]);
      expect(await store.revokeSessions({ familyId: b.familyId }, now(), 'reuse')).toEqual([b.id]);
      expect((await store.listLiveSessions(author.id, now())).map((s) => s.id)).toEqual([c.id]);
      const d = session(author.id);
      await store.createSession(d, token(d));
      expect(await store.revokeSessions({ userId: author.id, exceptSessionId: d.id }, now(), 'pw')).toEqual([c.id]);
      expect((await store.findSession(c.id))?.revokedReason).toBe('pw');
      expect((await store.listLiveSessions(author.id, now())).map((s) => s.id)).toEqual([d.id]);
    });

    it('lists only live sessions and cleans up expired tokens and long-ended sessions', async () => {
      const author = await user();
      const past = new Date(Date.now() - 86_400_000).toISOString();
      const expired = session(author.id, { expiresAt: past });
      const live = session(author.id);
      const oldToken = token(expired, { expiresAt: past });
      await store.createSession(expired, oldToken);
      await store.createSession(live, token(live));
      expect((await store.listLiveSessions(author.id, now())).map((s) => s.id)).toEqual([live.id]);
      await store.touchSession(live.id, '2030-01-01T00:00:00.000Z');
      expect((await store.findSession(live.id))?.lastSeenAt).toBe('2030-01-01T00:00:00.000Z');
      let deleted = 0;
      for (let n = await store.deleteExpired(now(), now(), 1); n > 0; n = await store.deleteExpired(now(), now(), 1)) {
        deleted += n;
      }
      expect(deleted).toBe(2);
      expect(await store.findRefreshToken(oldToken.tokenHash)).toBeUndefined();
      expect(await store.findSession(expired.id)).toBeUndefined();
      expect(await store.findSession(live.id)).toBeDefined();
    });

    it('security events are appended and listed newest first, per user', async () => {
      const [alice, bob] = [await user(), await user()];
      const base = { sessionId: null, ip: '::1', userAgent: 'ua' };
      await store.appendSecurityEvent({ ...base, userId: alice.id, kind: 'login_succeeded', at: now() });
      await store.appendSecurityEvent({ ...base, userId: bob.id, kind: 'login_failed', at: now() });
      await store.appendSecurityEvent({ ...base, userId: alice.id, kind: 'logout', at: now() });
      const events = await store.listSecurityEvents(alice.id, 10);
      expect(events.map((e) => e.kind)).toEqual(['logout', 'login_succeeded']);
      expect(events.every((e) => e.userId === alice.id)).toBe(true);
    });

    it('password hashes can be replaced', async () => {
      const author = await user();
      await store.updatePasswordHash(author.id, 'new-hash');
      expect((await store.findUserById(author.id))?.passwordHash).toBe('new-hash');
    });

    it('ensureRoom never resets an existing room', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
      const base = await seqBase('alpha');
      await store.appendMessage(message('alpha', author.id));
      await store.ensureRoom('alpha', now());
      expect((await store.findRoom('alpha'))?.lastSeq).toBe(base + 1);
      expect((await store.listRooms()).map((r) => r.name)).toContain('alpha');
      await store.ping();
    });
  });
}
