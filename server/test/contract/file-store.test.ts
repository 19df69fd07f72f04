import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import type { StoredFile } from '../../src/ports/file-store.js';
import type { Store } from '../../src/ports/store.js';
import { addMembers } from '../helpers/members.js';
import { freshPostgresStore, freshSqliteStore } from '../helpers/store-fixtures.js';

type Fixture = { store: Store; peer: Store; dispose(): Promise<void> };

/** SQLite has one node; PostgreSQL a second Store on the same database, as another node. */
const FIXTURES: [string, () => Promise<Fixture>][] = [
  [
    'SQLite',
    async () => {
      const one = await freshSqliteStore();
      return { ...one, peer: one.store };
    },
  ],
  ['PostgreSQL', () => freshPostgresStore(async (url) => ({ peer: await openPostgresStore(url) }))],
];

describe.each(FIXTURES)('the FileStore contract (%s)', (_name, open) => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  async function setUp() {
    fixture = await open();
    const { store } = fixture;
    const userId = randomUUID();
    const at = new Date().toISOString();
    await store.createUser({ id: userId, username: `u${userId.slice(0, 8)}`, passwordHash: 'x', createdAt: at });
    await store.ensureRoom('files', at);
    await addMembers(store, 'files', userId);
    const file = (size: number, createdAt = at): StoredFile => ({
      id: randomUUID().replaceAll('-', ''),
      room: 'files',
      uploaderId: userId,
      messageId: null,
      name: 'a.bin',
      type: 'application/octet-stream',
      size,
      width: null,
      height: null,
      blobKey: randomUUID(),
      thumbKey: null,
      createdAt,
    });
    const message = (fileIds: string[]) => ({
      id: randomUUID(),
      room: 'files',
      userId,
      clientMsgId: randomUUID(),
      text: '',
      createdAt: new Date().toISOString(),
      fileIds,
    });
    return { store, peer: fixture.peer, userId, file, message };
  }

  it('inserts under the quota only, atomically per uploader, from two nodes at once', async () => {
    const { store, peer, userId, file } = await setUp();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : peer).insertFile(file(3000), 10_000)),
    );
    expect(answers.filter((a) => a === 'inserted')).toHaveLength(3);
    expect(await store.usedBytes(userId)).toBe(9000);
    expect(await store.insertFile(file(1000), 10_000)).toBe('inserted');
    expect(await store.insertFile(file(1), 10_000)).toBe('quota-exceeded');
  });

  it('attaching and removing unattached files race safely: a file is attached or removed, never both', async () => {
    const { store, peer, file, message } = await setUp();
    for (let round = 0; round < 10; round++) {
      const f = file(10, '2000-01-01T00:00:00.000Z');
      await store.insertFile(f, 1e9);
      const [appended, taken] = await Promise.all([
        store.appendMessage(message([f.id])),
        peer.takeUnattachedBefore(new Date().toISOString(), 100),
      ]);
      const row = await store.findFile(f.id);
      if (appended.status === 'created') {
        expect(taken.map((t) => t.id)).not.toContain(f.id);
        expect(row?.messageId).toBe(appended.message.id);
        expect(appended.message.files?.map((x) => x.id)).toEqual([f.id]);
      } else {
        expect(appended.status).toBe('bad-files');
        expect(taken.map((t) => t.id)).toContain(f.id);
        expect(row).toBeUndefined();
      }
    }
  });

  it('a refused attach stores nothing and takes no seq; a deletion removes the rows and names the blobs', async () => {
    const { store, file, message } = await setUp();
    const mine = file(5);
    await store.insertFile(mine, 1e9);
    const before = (await store.findRoom('files'))!.lastSeq;
    expect((await store.appendMessage(message([mine.id, 'nope']))).status).toBe('bad-files');
    expect((await store.findRoom('files'))!.lastSeq).toBe(before);
    expect((await store.findFile(mine.id))?.messageId).toBeNull();
    const created = await store.appendMessage(message([mine.id]));
    if (created.status !== 'created') throw new Error(created.status);
    const [read] = await store.messagesAfter('files', before, 10);
    expect(read?.files?.map((f) => f.id)).toEqual([mine.id]);
    const deleted = await store.applyChange({
      kind: 'delete',
      room: 'files',
      messageId: created.message.id,
      actorId: created.message.userId,
      byModerator: false,
      at: new Date().toISOString(),
    });
    expect(deleted).toMatchObject({ status: 'applied', removedBlobs: [mine.blobKey] });
    expect(await store.findFile(mine.id)).toBeUndefined();
    expect((await store.findMessage('files', created.message.id))?.files).toBeUndefined();
  });
});
