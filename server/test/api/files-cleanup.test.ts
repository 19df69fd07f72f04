import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { movableClock } from '../helpers/backends.js';
import { serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { download, filesUnder, png, sendFiles, uploaded } from '../helpers/files.js';
import { login } from '../helpers/http.js';
import { moderatedRoom, person } from '../helpers/moderation.js';
import { connect } from '../helpers/ws-client.js';

describe.each(STORE_KINDS)('uploads never attached are cleaned up (%s)', (kind) => {
  const clock = movableClock();
  const env = serverForSuite(kind, { clock });

  it('after 24 hours the cleanup job removes unattached uploads and their blobs, and keeps attached ones', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const base = env.server.url;
    const blobs = () => filesUnder(join(env.server.dataDir, 'files'));
    const kept = await uploaded(base, alice.session, room, await png(), 'kept.png');
    const draft = await uploaded(base, alice.session, room, await png(), 'draft.png');
    expect((await sendFiles(alice.socket, room, 'kept', [kept.id])).type).toBe('ack');
    const before = blobs().length;

    await alice.socket.close();

    // Time moves on (a new sign-in each time: the old access token has expired meanwhile).
    clock.advance(23 * 60 * 60 * 1000);
    await env.server.app.cleanup.runOnce();
    let session = await login(base, alice.session.user.username);
    expect((await download(base, session, draft.id)).status).toBe(200);

    clock.advance(2 * 60 * 60 * 1000);
    session = await login(base, alice.session.user.username);
    // A fresh upload of the last hour stays too.
    const fresh = await uploaded(base, session, room, await png(), 'fresh.png');
    await env.server.app.cleanup.runOnce();
    expect((await download(base, session, draft.id)).code).toBe('FILE_NOT_FOUND');
    expect((await download(base, session, kept.id)).status).toBe(200);
    expect((await download(base, session, fresh.id)).status).toBe(200);
    const rows = await env.raw.rows(`select name from files where uploader_id = '${alice.session.user.id}'`);
    expect(rows.map((r) => r['name']).sort()).toEqual(['fresh.png', 'kept.png']);
    // The draft's image and thumbnail are gone; the fresh upload added two.
    expect(blobs().length).toBe(before);
    // A removed draft cannot be attached any more.
    const socket = await connect(env.server.wsUrl, session);
    await socket.join(room);
    const late = await sendFiles(socket, room, 'late', [draft.id]);
    expect(late).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    await socket.close();
  });
});
