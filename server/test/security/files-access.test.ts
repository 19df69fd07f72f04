import { describe, expect, it } from 'vitest';
import { restAs, roomName, serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { download, png, sendFiles, upload, uploaded } from '../helpers/files.js';
import { closeAll, moderatedRoom, person, type Person } from '../helpers/moderation.js';

describe.each(STORE_KINDS)('who may upload and download a file (%s)', (kind) => {
  const env = serverForSuite(kind);

  /** A private room of alice's with these members, and one attached file in it. */
  async function privateFile(alice: Person, ...members: Person[]) {
    const room = roomName('priv');
    await alice.rest.createRoom(room, 'private');
    await alice.socket.join(room);
    for (const member of members) {
      await alice.rest.invite(room, member.session.user.username);
      await member.socket.join(room);
    }
    const file = await uploaded(env.server.url, alice.session, room, await png(), 'secret.png');
    const ack = await sendFiles(alice.socket, room, 'private photo', [file.id]);
    expect(ack.type).toBe('ack');
    return { room, file };
  }

  const status = async (who: Person, id: string, thumbnail = false) => {
    const got = await download(env.server.url, who.session, id, thumbnail);
    return got.status === 200 ? 200 : got.code;
  };

  it('someone outside a private room cannot download its files with the exact URL, nor learn they exist', async () => {
    const alice = await person(env, 'alice');
    const eve = await person(env, 'eve');
    const { room, file } = await privateFile(alice);
    expect(await status(eve, file.id)).toBe('FILE_NOT_FOUND');
    expect(await status(eve, file.id, true)).toBe('FILE_NOT_FOUND');
    // The same answer as for a file that does not exist, or an id that cannot be one.
    expect(await status(eve, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe('FILE_NOT_FOUND');
    expect(await status(eve, '..%2F..%2Fparley.db')).toBe('FILE_NOT_FOUND');
    const refused = await upload(env.server.url, eve.session, room, await png(), 'in.png');
    expect([refused.status, refused.body.error?.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    // Without a token: nothing at all.
    const anonymous = await fetch(`${env.server.url}/api/v1/files/${file.id}`);
    expect(anonymous.status).toBe(401);
    await closeAll(alice, eve);
  });

  it('a member kicked, banned or removed can no longer download what they could before', async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const carol = await person(env, 'carol');
    const dave = await person(env, 'dave');
    const { room, file } = await privateFile(alice, bob, carol, dave);
    for (const member of [bob, carol, dave]) {
      expect(await status(member, file.id)).toBe(200);
      expect(await status(member, file.id, true)).toBe(200);
    }
    const kick = await alice.rest.post(`/rooms/${room}/kicks`, { username: bob.session.user.username });
    expect(kick.status).toBeLessThan(300);
    const ban = await alice.rest.post(`/rooms/${room}/bans`, { username: carol.session.user.username });
    expect(ban.status).toBeLessThan(300);
    const removal = await alice.rest.delete(`/rooms/${room}/members/${dave.session.user.username}`);
    expect(removal.status).toBe(204);
    for (const member of [bob, carol, dave]) {
      expect(await status(member, file.id)).toBe('FILE_NOT_FOUND');
      expect(await status(member, file.id, true)).toBe('FILE_NOT_FOUND');
    }
    expect(await status(alice, file.id)).toBe(200);
    await closeAll(alice, bob, carol, dave);
  });

  it('an upload not yet attached is its uploader’s alone, even for the room’s owner', async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const { room } = await privateFile(alice, bob);
    const draft = await uploaded(env.server.url, bob.session, room, await png(), 'draft.png');
    expect(await status(bob, draft.id)).toBe(200);
    expect(await status(alice, draft.id)).toBe('FILE_NOT_FOUND');
    expect(await status(alice, draft.id, true)).toBe('FILE_NOT_FOUND');
    await closeAll(alice, bob);
  });

  it('uploading needs what sending needs: a member, not muted, and not a read-only room', async () => {
    const owner = await person(env, 'owner');
    const member = await person(env, 'member');
    const stranger = await person(env, 'stranger');
    const room = await moderatedRoom(owner, undefined, member);
    // A public room: anyone may read it, only members may add to it.
    const outside = await upload(env.server.url, stranger.session, room, await png());
    expect(outside.body.error?.code).toBe('NOT_IN_ROOM');
    const mute = await owner.rest.post(`/rooms/${room}/mutes`, {
      username: member.session.user.username,
      durationSeconds: 600,
    });
    expect(mute.status).toBe(200);
    const muted = await upload(env.server.url, member.session, room, await png());
    expect([muted.status, muted.body.error?.code]).toEqual([403, 'MUTED']);
    await owner.rest.delete(`/rooms/${room}/mutes/${member.session.user.username}`);
    const mode = await owner.rest.patch(`/rooms/${room}/moderation`, { readOnly: true });
    expect(mode.status).toBe(200);
    const readOnly = await upload(env.server.url, member.session, room, await png());
    expect(readOnly.body.error?.code).toBe('ROOM_READ_ONLY');
    // The owner is exempt from read-only, as for messages.
    expect((await upload(env.server.url, owner.session, room, await png())).status).toBe(201);
    await closeAll(owner, member, stranger);
  });

  it('a public room’s attached files are readable like its history; an unknown room is ROOM_NOT_FOUND', async () => {
    const owner = await person(env, 'owner');
    const reader = await person(env, 'reader');
    const room = await moderatedRoom(owner, undefined);
    const file = await uploaded(env.server.url, owner.session, room, await png(), 'public.png');
    expect((await sendFiles(owner.socket, room, 'hi', [file.id])).type).toBe('ack');
    const history = await restAs(env.server.url, reader.session).get(`/rooms/${room}/messages`);
    expect(history.status).toBe(200);
    expect(await status(reader, file.id)).toBe(200);
    const nowhere = await upload(env.server.url, owner.session, 'no-such-room', await png());
    expect([nowhere.status, nowhere.body.error?.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    await closeAll(owner, reader);
  });
});
