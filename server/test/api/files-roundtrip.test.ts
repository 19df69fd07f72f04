import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { download, filesUnder, png, sendFiles, upload, uploaded } from '../helpers/files.js';
import { moderatedRoom, person, closeAll, seen } from '../helpers/moderation.js';
import { waitUntil } from '../helpers/wait.js';

describe.each(STORE_KINDS)('files round trip (%s)', (kind) => {
  const env = serverForSuite(kind);

  it('an upload is attached by send and travels in the ack, the broadcast and the history', async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const room = await moderatedRoom(alice, undefined, bob);
    const base = env.server.url;

    const image = await uploaded(base, alice.session, room, await png(64, 48), 'red.png', 'image/png');
    expect(image).toMatchObject({ name: 'red.png', type: 'image/png', width: 64, height: 48, thumbnail: true });
    const doc = await uploaded(base, alice.session, room, Buffer.from('%PDF-1.4\n% plain\n'), 'notes.pdf');
    expect(doc).toMatchObject({ name: 'notes.pdf', thumbnail: false });
    expect(doc.width).toBeUndefined();

    // Unattached: only the uploader may read it.
    expect((await download(base, alice.session, image.id)).status).toBe(200);
    expect((await download(base, bob.session, image.id)).code).toBe('FILE_NOT_FOUND');

    const ack = await sendFiles(alice.socket, room, '', [image.id, doc.id]);
    expect(ack.type).toBe('ack');
    const sent = (ack as Extract<typeof ack, { type: 'ack' }>).message;
    expect(sent.text).toBe('');
    expect(sent.files?.map((f) => f.id)).toEqual([image.id, doc.id]);

    const broadcast = await seen(bob.socket, 'message', (f) => f.message.id === sent.id);
    expect(broadcast.message.files).toEqual(sent.files);

    const history = await bob.rest.get<{ messages: Message[] }>(`/rooms/${room}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.messages.find((m) => m.id === sent.id)?.files).toEqual(sent.files);
    // A later join's backlog carries them too.
    const carol = await person(env, 'carol');
    const joined = await carol.socket.join(room);
    expect(joined.messages.find((m) => m.id === sent.id)?.files).toEqual(sent.files);

    // Attached: every reader of the room may download; the image inline as itself, the rest not.
    const got = await download(base, bob.session, image.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="red.png"; filename*=UTF-8''red.png`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect((await sharp(got.bytes).metadata()).width).toBe(64);
    const thumb = await download(base, bob.session, image.id, true);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(thumb.bytes).metadata()).format).toBe('webp');
    const pdf = await download(base, carol.session, doc.id);
    expect(pdf.bytes.toString()).toBe('%PDF-1.4\n% plain\n');
    expect(pdf.headers.get('content-type')).toBe('application/octet-stream');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect((await download(base, carol.session, doc.id, true)).code).toBe('FILE_NOT_FOUND');

    // A file is attached once: sending it again is refused, nothing stored.
    const again = await sendFiles(alice.socket, room, 'again', [image.id]);
    expect(again).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    await closeAll(alice, bob, carol);
  });

  it('a repeated send with files answers the original ack; a deletion takes the files with it', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const base = env.server.url;
    const file = await uploaded(base, alice.session, room, await png(), 'a.png');
    const clientMsgId = globalThis.crypto.randomUUID();
    const frame = { type: 'send', room, text: 'look', clientMsgId, files: [file.id] };
    alice.socket.send(frame);
    const first = await alice.socket.next('ack', (f) => f.clientMsgId === clientMsgId);
    alice.socket.send(frame);
    const second = await alice.socket.next('ack', (f) => f.clientMsgId === clientMsgId);
    expect(second.message).toEqual(first.message);
    expect(second.message.files?.[0]?.id).toBe(file.id);

    const blobs = join(env.server.dataDir, 'files');
    const before = filesUnder(blobs).length;
    alice.socket.send({ type: 'delete', room, messageId: first.message.id });
    await seen(alice.socket, 'event', (f) => f.event.kind === 'delete' && f.event.messageId === first.message.id);
    expect((await download(base, alice.session, file.id)).code).toBe('FILE_NOT_FOUND');
    expect((await download(base, alice.session, file.id, true)).code).toBe('FILE_NOT_FOUND');
    expect(await env.raw.rows(`select id from files where id = '${file.id}'`)).toEqual([]);
    // Image and thumbnail: both blobs gone.
    await waitUntil(() => filesUnder(blobs).length === before - 2, 'the blobs deleted');
    await closeAll(alice);
  });

  it('the uploader is the only one who can attach; someone else naming the file stores nothing', async () => {
    const alice = await person(env, 'alice');
    const mallory = await person(env, 'mallory');
    const room = await moderatedRoom(alice, undefined, mallory);
    const file = await uploaded(env.server.url, alice.session, room, await png(), 'mine.png');
    const { lastSeq } = (await alice.rest.room(room))!;
    const refused = await sendFiles(mallory.socket, room, 'stolen', [file.id]);
    expect(refused).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    const unknown = await sendFiles(alice.socket, room, 'ghost', ['AAAAAAAAAAAAAAAAAAAAAA']);
    expect(unknown).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    // One good and one bad id: neither is attached, no seq taken.
    const mixed = await sendFiles(alice.socket, room, 'mixed', [file.id, 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(mixed).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    expect((await alice.rest.room(room))!.lastSeq).toBe(lastSeq);
    expect(await env.raw.rows(`select message_id from files where id = '${file.id}'`)).toEqual([{ message_id: null }]);
    // In another room it is not hers to attach either.
    const other = await moderatedRoom(alice, undefined);
    const elsewhere = await sendFiles(alice.socket, other, 'moved', [file.id]);
    expect(elsewhere).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    const ok = await sendFiles(alice.socket, room, 'mine', [file.id]);
    expect(ok.type).toBe('ack');
    const upgraded = await upload(env.server.url, mallory.session, room, await png(), 'x.png');
    expect(upgraded.status).toBe(201);
    await closeAll(alice, mallory);
  });
});
