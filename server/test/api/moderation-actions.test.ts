import { describe, expect, it } from 'vitest';
import type { Room } from '../../../protocol/index.js';
import { roomFramesAfterLeft, serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { closeAll, moderatedRoom, person, seen, trySend } from '../helpers/moderation.js';

/**
 * Each moderation action on SQLite and PostgreSQL, through the HTTP routes, as the target's socket and
 * the room's other members see it: mute, unmute, kick, ban, unban, the ban list, room roles, and the
 * audit entry each one leaves.
 */
describe.each(STORE_KINDS)('moderation actions on %s', (kind) => {
  const env = serverForSuite(kind);

  const auditOf = async (targetId: string) =>
    env.raw.rows(`select actor, action, target_kind, reason, details from audit_log where target_id = '${targetId}'`);

  it('a mute refuses the member`s sends (MUTED with until and reason, nothing stored), edits and reactions; unmute lifts it', async () => {
    const [owner, mod, bob] = [await person(env, 'owner'), await person(env, 'mod'), await person(env, 'bob')];
    const room = await moderatedRoom(owner, mod, bob);
    const earlier = await bob.socket.sendText('before the mute', room);

    const muted = await mod.rest.post<{ user: { id: string }; until: string; reason: string }>(`/rooms/${room}/mutes`, {
      username: bob.session.user.username,
      durationSeconds: 600,
      reason: 'cool off',
    });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({ user: { id: bob.session.user.id }, reason: 'cool off' });
    const until = muted.body.until;
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(590_000);
    const event = await seen(owner.socket, 'event', (f) => f.event.kind === 'member_mute');
    expect(event.event).toMatchObject({ user: { id: bob.session.user.id }, actor: { id: mod.session.user.id }, until });

    const seq = (await owner.rest.room(room))!.lastSeq;
    const refused = await trySend(bob.socket, room, 'muted words');
    expect(refused).toMatchObject({ type: 'error', code: 'MUTED', until, reason: 'cool off', room });
    bob.socket.send({ type: 'edit', room, messageId: earlier.message.id, text: 'edited while muted' });
    expect(await bob.socket.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'MUTED', until });
    bob.socket.send({ type: 'react', room, messageId: earlier.message.id, emoji: '👍' });
    expect(await bob.socket.next('error', (f) => f.ref === 'react')).toMatchObject({ code: 'MUTED' });
    expect((await owner.rest.room(room))!.lastSeq).toBe(seq);
    const dump = await env.raw.dump();
    expect(dump).not.toContain('muted words');
    expect(dump).not.toContain('edited while muted');
    // The room view tells him why.
    expect((await bob.rest.room(room))?.mutedUntil).toBe(until);

    const lifted = await mod.rest.delete(`/rooms/${room}/mutes/${bob.session.user.username}`);
    expect(lifted.status).toBe(204);
    await seen(owner.socket, 'event', (f) => f.event.kind === 'member_unmute');
    expect((await trySend(bob.socket, room, 'free again')).type).toBe('ack');
    expect((await bob.rest.room(room))?.mutedUntil).toBeUndefined();

    expect(await auditOf(bob.session.user.id)).toEqual([
      expect.objectContaining({ actor: mod.session.user.id, action: 'room.member.mute', reason: 'cool off' }),
      expect.objectContaining({ actor: mod.session.user.id, action: 'room.member.unmute', target_kind: 'user' }),
    ]);
    await closeAll(owner, mod, bob);
  });

  it('a kick: the member`s sockets get left {kicked, detail} and nothing of the room after; a public room takes them back', async () => {
    const [owner, mod, bob, carol] = [
      await person(env, 'owner'),
      await person(env, 'mod'),
      await person(env, 'bob'),
      await person(env, 'carol'),
    ];
    const room = await moderatedRoom(owner, mod, bob, carol);
    const kicked = await mod.rest.post(`/rooms/${room}/kicks`, { username: bob.session.user.username, reason: 'spam' });
    expect(kicked.status).toBe(204);
    expect(await seen(bob.socket, 'left', (f) => f.room === room)).toEqual({
      type: 'left',
      room,
      reason: 'kicked',
      detail: 'spam',
    });
    const event = await seen(carol.socket, 'event', (f) => f.event.kind === 'member_kick');
    expect(event.event).toMatchObject({ user: { id: bob.session.user.id }, reason: 'spam' });
    const after = await carol.socket.sendText('after the kick', room);
    await seen(owner.socket, 'message', (f) => f.message.id === after.message.id);
    expect(roomFramesAfterLeft(bob.socket, room)).toEqual([]);
    expect((await bob.rest.room(room))?.member).toBe(false);
    // A kick is not a ban.
    const back = await bob.socket.join(room);
    expect(back.messages.map((m) => m.id)).toContain(after.message.id);
    expect(await auditOf(bob.session.user.id)).toEqual([
      expect.objectContaining({ actor: mod.session.user.id, action: 'room.member.kick', reason: 'spam' }),
    ]);
    await closeAll(owner, mod, bob, carol);
  });

  it('a ban: left {banned}; joining again (WS or HTTP) or being added is BANNED_FROM_ROOM until unbanned; the list shows it', async () => {
    const [owner, mod, bob, eve] = [
      await person(env, 'owner'),
      await person(env, 'mod'),
      await person(env, 'bob'),
      await person(env, 'eve'),
    ];
    const room = await moderatedRoom(owner, mod, bob);
    const banned = await mod.rest.post<{ ban: { user: { id: string }; reason: string; bannedBy: { id: string } } }>(
      `/rooms/${room}/bans`,
      { username: bob.session.user.username, reason: 'threats' },
    );
    expect(banned.status).toBe(200);
    expect(banned.body.ban).toMatchObject({
      user: { id: bob.session.user.id },
      reason: 'threats',
      bannedBy: { id: mod.session.user.id },
    });
    expect(await seen(bob.socket, 'left', (f) => f.room === room)).toEqual({
      type: 'left',
      room,
      reason: 'banned',
      detail: 'threats',
    });
    expect((await seen(owner.socket, 'event', (f) => f.event.kind === 'member_ban')).event).toMatchObject({
      user: { id: bob.session.user.id },
      reason: 'threats',
    });

    bob.socket.send({ type: 'join', room });
    expect(await bob.socket.next('error', (f) => f.ref === 'join')).toMatchObject({ code: 'BANNED_FROM_ROOM', room });
    const httpJoin = await bob.rest.post<{ error: { code: string } }>(`/rooms/${room}/join`);
    expect([httpJoin.status, httpJoin.body.error.code]).toEqual([403, 'BANNED_FROM_ROOM']);
    const added = await owner.rest.post<{ error: { code: string } }>(`/rooms/${room}/members`, {
      username: bob.session.user.username,
    });
    expect([added.status, added.body.error.code]).toEqual([403, 'BANNED_FROM_ROOM']);

    // Pre-emptive: eve never joined.
    expect((await mod.rest.post(`/rooms/${room}/bans`, { username: eve.session.user.username })).status).toBe(200);
    eve.socket.send({ type: 'join', room });
    expect(await eve.socket.next('error', (f) => f.ref === 'join')).toMatchObject({ code: 'BANNED_FROM_ROOM' });

    const list = await mod.rest.get<{ bans: { user: { id: string }; reason?: string }[] }>(`/rooms/${room}/bans`);
    expect(list.status).toBe(200);
    expect(list.body.bans.map((b) => [b.user.id, b.reason]).sort()).toEqual(
      [
        [bob.session.user.id, 'threats'],
        [eve.session.user.id, undefined],
      ].sort(),
    );

    expect((await mod.rest.delete(`/rooms/${room}/bans/${bob.session.user.username}`)).status).toBe(204);
    await seen(owner.socket, 'event', (f) => f.event.kind === 'member_unban');
    await bob.socket.join(room);
    expect((await bob.rest.room(room))?.member).toBe(true);
    expect((await auditOf(bob.session.user.id)).map((e) => e['action'])).toEqual([
      'room.member.ban',
      'room.member.unban',
    ]);
    await closeAll(owner, mod, bob, eve);
  });

  it('an owner sets room roles (member_role); a moderator may moderate; the last owner stays; no global role through it', async () => {
    const [owner, bob] = [await person(env, 'owner'), await person(env, 'bob')];
    const room = await moderatedRoom(owner, undefined, bob);
    expect((await bob.rest.room(room))?.canModerate).toBeUndefined();
    const made = await owner.rest.patch<{ member: { role: string } }>(
      `/rooms/${room}/members/${bob.session.user.username}`,
      { role: 'moderator' },
    );
    expect(made.status).toBe(200);
    expect(made.body.member.role).toBe('moderator');
    const event = await seen(bob.socket, 'event', (f) => f.event.kind === 'member_role');
    expect(event.event).toMatchObject({ user: { id: bob.session.user.id }, role: 'moderator' });
    expect(await bob.rest.room(room)).toMatchObject({ role: 'moderator', canModerate: true } satisfies Partial<Room>);
    expect((await owner.rest.room(room))?.canModerate).toBe(true);

    const crafted = await owner.rest.patch<{ error: { code: string } }>(
      `/rooms/${room}/members/${bob.session.user.username}`,
      { role: 'admin' },
    );
    expect([crafted.status, crafted.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const extra = await owner.rest.patch<{ error: { code: string } }>(
      `/rooms/${room}/members/${bob.session.user.username}`,
      { role: 'member', global: true },
    );
    expect(extra.body.error.code).toBe('VALIDATION_FAILED');
    const byModerator = await bob.rest.patch<{ error: { code: string } }>(
      `/rooms/${room}/members/${owner.session.user.username}`,
      { role: 'member' },
    );
    expect([byModerator.status, byModerator.body.error.code]).toEqual([403, 'NOT_ROOM_OWNER']);
    const lastOwner = await owner.rest.patch<{ error: { code: string } }>(
      `/rooms/${room}/members/${owner.session.user.username}`,
      { role: 'member' },
    );
    expect([lastOwner.status, lastOwner.body.error.code]).toEqual([409, 'LAST_OWNER']);
    expect((await auditOf(bob.session.user.id)).map((e) => e['action'])).toEqual(['room.member.role']);
    await closeAll(owner, bob);
  });

  it('a moderator deletes anyone`s message: a delete event byModerator, the words gone, an audit entry', async () => {
    const [owner, mod, bob] = [await person(env, 'owner'), await person(env, 'mod'), await person(env, 'bob')];
    const room = await moderatedRoom(owner, mod, bob);
    const words = `rude words ${globalThis.crypto.randomUUID()}`;
    const sent = await bob.socket.sendText(words, room);
    mod.socket.send({ type: 'delete', room, messageId: sent.message.id });
    const deletion = await seen(bob.socket, 'event', (f) => f.event.kind === 'delete');
    expect(deletion.event).toMatchObject({
      messageId: sent.message.id,
      byModerator: true,
      actor: { id: mod.session.user.id },
    });
    expect(await env.raw.dump()).not.toContain(words);
    expect(await auditOf(sent.message.id)).toEqual([
      expect.objectContaining({ actor: mod.session.user.id, action: 'room.message.delete', target_kind: 'message' }),
    ]);
    // A member who is no moderator still may not.
    const mine = await mod.socket.sendText('the moderator speaks', room);
    bob.socket.send({ type: 'delete', room, messageId: mine.message.id });
    expect(await bob.socket.next('error', (f) => f.ref === 'delete')).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
    await closeAll(owner, mod, bob);
  });
});
