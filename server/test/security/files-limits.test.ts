import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { download, filesUnder, sendFiles, upload, uploaded } from '../helpers/files.js';
import { closeAll, moderatedRoom, person } from '../helpers/moderation.js';

const MAX = 4096;
const QUOTA = 10_000;

describe.each(STORE_KINDS)('file size limit and quota (%s)', (kind) => {
  const env = serverForSuite(kind, { env: { FILE_MAX_BYTES: String(MAX), FILE_QUOTA_BYTES: String(QUOTA) } });
  const blobs = () => filesUnder(join(env.server.dataDir, 'files'));
  const temporary = () => filesUnder(join(env.server.dataDir, 'tmp'));
  const usedBy = async (userId: string) =>
    Number(
      (await env.raw.rows(`select coalesce(sum(size), 0) as used from files where uploader_id = '${userId}'`))[0]!.used,
    );

  it('a file over FILE_MAX_BYTES is refused 413 FILE_TOO_LARGE, leaving no row, no blob, no temporary file', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const blobsBefore = blobs().length;
    for (const size of [MAX + 1, 10 * MAX, 300 * MAX]) {
      const answer = await upload(env.server.url, alice.session, room, randomBytes(size), 'big.bin');
      expect([answer.status, answer.body.error?.code]).toEqual([413, 'FILE_TOO_LARGE']);
    }
    expect(await usedBy(alice.session.user.id)).toBe(0);
    expect(blobs().length).toBe(blobsBefore);
    expect(temporary()).toEqual([]);
    // Exactly the limit is fine.
    const exact = await uploaded(env.server.url, alice.session, room, randomBytes(MAX), 'exact.bin');
    expect(exact.size).toBe(MAX);
    expect(temporary()).toEqual([]);
    // Refused before a byte is read (not a member here): the connection closes, the next call works.
    const bob = await person(env, 'bob');
    for (let i = 0; i < 3; i++) {
      const refused = await upload(env.server.url, bob.session, room, randomBytes(300 * MAX), 'big.bin');
      expect(refused.body.error?.code).toBe('NOT_IN_ROOM');
    }
    expect((await bob.rest.get('/rooms')).status).toBe(200);
    await closeAll(alice, bob);
  });

  it('the quota counts every file I keep; past it 413 QUOTA_EXCEEDED, with nothing half stored', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const base = env.server.url;
    await uploaded(base, alice.session, room, randomBytes(4000));
    const kept = await uploaded(base, alice.session, room, randomBytes(4000));
    // 2,000 bytes are left: a 4,000-byte file is over the quota before it is over the size limit.
    const over = await upload(base, alice.session, room, randomBytes(4000));
    expect([over.status, over.body.error?.code]).toEqual([413, 'QUOTA_EXCEEDED']);
    await uploaded(base, alice.session, room, randomBytes(1500));
    expect(await usedBy(alice.session.user.id)).toBe(9500);
    const past = await upload(base, alice.session, room, randomBytes(600));
    expect([past.status, past.body.error?.code]).toEqual([413, 'QUOTA_EXCEEDED']);
    expect(await usedBy(alice.session.user.id)).toBe(9500);
    // Deleting the message that carries a file gives its bytes back.
    const ack = await sendFiles(alice.socket, room, 'x', [kept.id]);
    expect(ack.type).toBe('ack');
    if (ack.type !== 'ack') return;
    alice.socket.send({ type: 'delete', room, messageId: ack.message.id });
    await alice.socket.next('event', (f) => f.event.kind === 'delete');
    expect(await usedBy(alice.session.user.id)).toBe(5500);
    await uploaded(base, alice.session, room, randomBytes(4000));
    expect(temporary()).toEqual([]);
    await closeAll(alice);
  });

  it('concurrent uploads cannot pass the quota together: the check and the row are one step', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const blobsBefore = blobs().length;
    // All four pass the first check (nothing used yet); only three fit.
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => upload(env.server.url, alice.session, room, randomBytes(3000))),
    );
    const statuses = answers.map((a) => a.body.error?.code ?? a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 'QUOTA_EXCEEDED']);
    expect(await usedBy(alice.session.user.id)).toBe(9000);
    // The refused upload's blobs were deleted: one blob (no thumbnail) per kept file.
    expect(blobs().length).toBe(blobsBefore + 3);
    expect(temporary()).toEqual([]);
    await closeAll(alice);
  });

  it('a deleted file is gone for its readers, and its bytes too', async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const room = await moderatedRoom(alice, undefined, bob);
    const file = await uploaded(env.server.url, alice.session, room, randomBytes(100));
    const ack = await sendFiles(alice.socket, room, 'bytes', [file.id]);
    if (ack.type !== 'ack') throw new Error(ack.code);
    expect((await download(env.server.url, bob.session, file.id)).status).toBe(200);
    alice.socket.send({ type: 'delete', room, messageId: ack.message.id });
    await bob.socket.next('event', (f) => f.event.kind === 'delete');
    expect((await download(env.server.url, bob.session, file.id)).code).toBe('FILE_NOT_FOUND');
    const history = await bob.rest.get<{ messages: { id: string; files?: unknown }[] }>(`/rooms/${room}/messages`);
    expect(history.body.messages.find((m) => m.id === ack.message.id)?.files).toBeUndefined();
    await closeAll(alice, bob);
  });
});
