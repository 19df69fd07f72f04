import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, Store, StoredUser } from '../../src/ports/store.js';

/**
 * The Store contract: every adapter must pass this suite unchanged. `open` gives a fresh, empty
 * store; `dispose` removes whatever it created.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: Store; dispose: () => Promise<void> }>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const now = () => new Date().toISOString();

    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    async function user(username = `u_${randomUUID().slice(0, 8)}`): Promise<StoredUser> {
      const record: StoredUser = { id: randomUUID(), username, passwordHash: 'x', createdAt: now() };
      expect(await store.createUser(record)).toBe('created');
      return record;
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
      expect(seqs('alpha')).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(seqs('beta')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await store.findRoom('alpha'))?.lastSeq).toBe(40);
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

    it('appending to a missing room stores nothing', async () => {
      const author = await user();
      expect((await store.appendMessage(message('nowhere', author.id))).status).toBe('no-room');
      expect(await store.messagesAfter('nowhere', 0, 10)).toEqual([]);
    });

    it('history pages by cursor return every message exactly once, in order', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
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
      expect(seen).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
      const after = await store.messagesAfter('alpha', 50, 100);
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
        'a\u0000b',
        '<script>alert(1)</script>',
      ];
      for (const text of texts) await store.appendMessage(message('alpha', author.id, randomUUID(), text));
      expect((await store.messagesAfter('alpha', 0, 10)).map((m) => m.text)).toEqual(texts);
    });

    it('sessions are stored and found', async () => {
      const author = await user();
      const session = {
        id: randomUUID(),
        userId: author.id,
        fingerprintHash: 'hash',
        createdAt: now(),
        lastSeenAt: now(),
        ip: '127.0.0.1',
        userAgent: 'test',
        revokedAt: null,
      };
      await store.createSession(session);
      expect(await store.findSession(session.id)).toEqual(session);
      expect(await store.findSession(randomUUID())).toBeUndefined();
    });

    it('ensureRoom never resets an existing room', async () => {
      await store.ensureRoom('alpha', now());
      const author = await user();
      await store.appendMessage(message('alpha', author.id));
      await store.ensureRoom('alpha', now());
      expect((await store.findRoom('alpha'))?.lastSeq).toBe(1);
      expect((await store.listRooms()).map((r) => r.name)).toContain('alpha');
      await store.ping();
    });
  });
}
