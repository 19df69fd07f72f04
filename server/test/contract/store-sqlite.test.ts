import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addMembers } from '../helpers/members.js';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { tempDir } from '../helpers/server.js';
import { rawSqlite } from '../helpers/raw-db.js';
import { freshSqliteStore } from '../helpers/store-fixtures.js';
import { describeAuthzRuleContract } from './authz-rules.contract.js';
import { describeConversationContract } from './conversations.contract.js';
import { describeModerationAppendContract } from './moderation-append.contract.js';
import { describeModerationContract } from './moderation.contract.js';
import { describeSecondFactorContract } from './second-factors.contract.js';
import { describeStoreContract } from './store.contract.js';

describeStoreContract('SQLite file', () => freshSqliteStore());

describeConversationContract('SQLite file', () => freshSqliteStore((file) => ({ raw: rawSqlite(file) })));

describeAuthzRuleContract('SQLite file', () => freshSqliteStore());

describeSecondFactorContract('SQLite file', () => freshSqliteStore());

describe('SQLite group commit', () => {
  it('an append resolves only once committed: another connection already sees it', async () => {
    const dir = tempDir('parley-store-');
    const file = join(dir.path, 'commit.db');
    const store = await openSqliteStore(file, 'full');
    const reader = new SQLite(file, { readonly: true });
    try {
      const now = new Date().toISOString();
      const userId = randomUUID();
      await store.createUser({ id: userId, username: 'committer', passwordHash: 'x', createdAt: now });
      await store.ensureRoom('alpha', now);
      await addMembers(store, 'alpha', userId);
      const count = reader.prepare('select count(*) as n from messages').pluck();
      // A burst from one turn of the event loop, with sessions work (Kysely transactions) mixed in.
      const appends = Array.from({ length: 50 }, (_, i) =>
        store
          .appendMessage({
            id: randomUUID(),
            room: 'alpha',
            userId,
            clientMsgId: `c-${i}`,
            text: `${i}`,
            createdAt: now,
          })
          .then(() => count.get() as number),
      );
      const later = new Date(Date.now() + 60_000).toISOString();
      const sessions = Array.from({ length: 5 }, (_, i) => {
        const id = randomUUID();
        return store.createSession(
          {
            id,
            userId,
            familyId: id,
            fingerprintHash: 'f',
            createdAt: now,
            lastSeenAt: now,
            expiresAt: later,
            ip: '127.0.0.1',
            userAgent: `agent ${i}`,
            revokedAt: null,
            revokedReason: null,
          },
          { tokenHash: randomUUID(), sessionId: id, familyId: id, createdAt: now, expiresAt: later, spentAt: null },
        );
      });
      const seenAtResolve = await Promise.all(appends);
      await Promise.all(sessions);
      // Every append, when it resolved, was visible to a separate reader: committed, not just written.
      expect(Math.min(...seenAtResolve)).toBeGreaterThanOrEqual(1);
      seenAtResolve.forEach((seen, i) => expect(seen).toBeGreaterThanOrEqual(i + 1));
      expect(count.get()).toBe(50);
      expect((await store.messagesAfter('alpha', 0, 100)).map((m) => m.seq)).toEqual(
        // Seq 1 is the author's member_join.
        Array.from({ length: 50 }, (_, i) => i + 2),
      );
      expect(await store.listLiveSessions(userId, now)).toHaveLength(5);
    } finally {
      reader.close();
      await store.close();
      dir.remove();
    }
  });

  it('close waits for appends in flight instead of dropping them', async () => {
    const dir = tempDir('parley-store-');
    const file = join(dir.path, 'close.db');
    const store = await openSqliteStore(file);
    const now = new Date().toISOString();
    const userId = randomUUID();
    await store.createUser({ id: userId, username: 'closer', passwordHash: 'x', createdAt: now });
    await store.ensureRoom('alpha', now);
    await addMembers(store, 'alpha', userId);
    const pending = Array.from({ length: 10 }, (_, i) =>
      store.appendMessage({
        id: randomUUID(),
        room: 'alpha',
        userId,
        clientMsgId: `c-${i}`,
        text: 't',
        createdAt: now,
      }),
    );
    await store.close();
    expect((await Promise.all(pending)).every((r) => r.status === 'created')).toBe(true);
    const reader = new SQLite(file, { readonly: true });
    expect(reader.prepare('select count(*) from messages').pluck().get()).toBe(10);
    reader.close();
    dir.remove();
  });
});

describe('SQLite secure deletion', () => {
  it("a deleted message's words are in no file on disk: not the database, not the write-ahead log", async () => {
    const dir = tempDir('parley-erase-');
    const file = join(dir.path, 'erase.db');
    const store = await openSqliteStore(file);
    try {
      const now = new Date().toISOString();
      const userId = randomUUID();
      await store.createUser({ id: userId, username: 'eraser', passwordHash: 'x', createdAt: now });
      await store.ensureRoom('alpha', now);
      await addMembers(store, 'alpha', userId);
      const secret = `words to take back ${randomUUID()}`;
      const kept = `words that stay ${randomUUID()}`;
      const sent = await store.appendMessage({
        id: randomUUID(),
        room: 'alpha',
        userId,
        clientMsgId: 'a',
        text: secret,
        createdAt: now,
      });
      await store.appendMessage({
        id: randomUUID(),
        room: 'alpha',
        userId,
        clientMsgId: 'b',
        text: kept,
        createdAt: now,
      });
      if (sent.status !== 'created') throw new Error('not stored');
      const onDisk = () =>
        readdirSync(dir.path)
          .map((name) => readFileSync(join(dir.path, name)).toString('latin1'))
          .join('\n');
      expect(onDisk()).toContain(secret);
      const result = await store.applyChange({
        kind: 'delete',
        room: 'alpha',
        messageId: sent.message.id,
        actorId: userId,
        byModerator: false,
        at: now,
      });
      expect(result.status).toBe('applied');
      expect(onDisk()).not.toContain(secret);
      // The control: what was not deleted is still there, so the search above could have found it.
      expect(onDisk()).toContain(kept);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});

describeModerationContract('SQLite file', () => freshSqliteStore());

describeModerationAppendContract('SQLite file', () => freshSqliteStore());
