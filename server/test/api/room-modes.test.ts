import { describe, expect, it } from 'vitest';
import type { Room } from '../../../protocol/index.js';
import { serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { closeAll, moderatedRoom, person, seen, trySend } from '../helpers/moderation.js';
import { connect } from '../helpers/ws-client.js';

/**
 * Read-only and slow mode on SQLite and PostgreSQL: who may write, the seconds to wait, the room view;
 * and every moderation event replayed to a socket that resumes with `after`.
 */
describe.each(STORE_KINDS)('room modes on %s', (kind) => {
  const env = serverForSuite(kind);

  it('read-only: members are refused ROOM_READ_ONLY with nothing stored; moderators and the owner write', async () => {
    const [owner, mod, bob] = [await person(env, 'owner'), await person(env, 'mod'), await person(env, 'bob')];
    const room = await moderatedRoom(owner, mod, bob);
    const changed = await mod.rest.patch<{ room: Room }>(`/rooms/${room}/moderation`, { readOnly: true });
    expect(changed.status).toBe(200);
    expect(changed.body.room).toMatchObject({ readOnly: true, canModerate: true });
    expect(changed.body.room.slowModeSeconds).toBeUndefined();
    const event = await seen(bob.socket, 'event', (f) => f.event.kind === 'room_change');
    expect(event.event).toMatchObject({ readOnly: true, actor: { id: mod.session.user.id } });
    expect(await bob.rest.room(room)).toMatchObject({ readOnly: true });
    expect((await bob.rest.room(room))?.canModerate).toBeUndefined();

    const seq = (await owner.rest.room(room))!.lastSeq;
    expect(await trySend(bob.socket, room, 'read-only words')).toMatchObject({ code: 'ROOM_READ_ONLY', room });
    expect((await owner.rest.room(room))!.lastSeq).toBe(seq);
    expect(await env.raw.dump()).not.toContain('read-only words');
    expect((await trySend(mod.socket, room, 'announcement')).type).toBe('ack');
    expect((await trySend(owner.socket, room, 'from the owner')).type).toBe('ack');

    await owner.rest.patch(`/rooms/${room}/moderation`, { readOnly: false });
    expect((await trySend(bob.socket, room, 'open again')).type).toBe('ack');
    expect((await bob.rest.room(room))?.readOnly).toBeUndefined();
    const audit = await env.raw.rows(`select action, details from audit_log where target_id = '${room}'`);
    expect(audit.map((r) => [r['action'], JSON.parse(String(r['details'])) as unknown])).toEqual([
      ['room.mode', { readOnly: true }],
      ['room.mode', { readOnly: false }],
    ]);
    await closeAll(owner, mod, bob);
  });

  it('slow mode: a second message within N s is SLOW_MODE with retryAfter; others and moderators are not held', async () => {
    const [owner, mod, bob, carol] = [
      await person(env, 'owner'),
      await person(env, 'mod'),
      await person(env, 'bob'),
      await person(env, 'carol'),
    ];
    const room = await moderatedRoom(owner, mod, bob, carol);
    const changed = await owner.rest.patch<{ room: Room }>(`/rooms/${room}/moderation`, { slowModeSeconds: 120 });
    expect(changed.body.room.slowModeSeconds).toBe(120);
    expect((await seen(bob.socket, 'event', (f) => f.event.kind === 'room_change')).event).toMatchObject({
      slowModeSeconds: 120,
    });

    expect((await trySend(bob.socket, room, 'first')).type).toBe('ack');
    const second = await trySend(bob.socket, room, 'second too soon');
    expect(second).toMatchObject({ type: 'error', code: 'SLOW_MODE', room });
    const retryAfter = second.type === 'error' ? (second.retryAfter ?? 0) : 0;
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await env.raw.dump()).not.toContain('second too soon');
    expect((await trySend(carol.socket, room, 'carol is not held by bob')).type).toBe('ack');
    for (let i = 0; i < 3; i++) expect((await trySend(mod.socket, room, `moderator ${i}`)).type).toBe('ack');

    // Made a moderator, bob is exempt at once; off again, everyone may write.
    await owner.rest.patch(`/rooms/${room}/members/${bob.session.user.username}`, { role: 'moderator' });
    expect((await trySend(bob.socket, room, 'now a moderator')).type).toBe('ack');
    await owner.rest.patch(`/rooms/${room}/moderation`, { slowModeSeconds: 0 });
    expect((await trySend(carol.socket, room, 'carol again')).type).toBe('ack');
    await closeAll(owner, mod, bob, carol);
  });

  it('a socket resuming with `after` gets every moderation event it missed, in seq order', async () => {
    const [owner, mod, bob, carol, dave] = [
      await person(env, 'owner'),
      await person(env, 'mod'),
      await person(env, 'bob'),
      await person(env, 'carol'),
      await person(env, 'dave'),
    ];
    const room = await moderatedRoom(owner, mod, bob, carol, dave);
    const from = (await owner.rest.room(room))!.lastSeq;
    await owner.socket.close();

    await mod.rest.post(`/rooms/${room}/mutes`, {
      username: bob.session.user.username,
      durationSeconds: 60,
      reason: 'r1',
    });
    await mod.rest.delete(`/rooms/${room}/mutes/${bob.session.user.username}`);
    await mod.rest.post(`/rooms/${room}/kicks`, { username: carol.session.user.username, reason: 'r2' });
    await mod.rest.post(`/rooms/${room}/bans`, { username: dave.session.user.username, reason: 'r3' });
    await mod.rest.delete(`/rooms/${room}/bans/${dave.session.user.username}`);
    await mod.rest.patch(`/rooms/${room}/moderation`, { readOnly: true, slowModeSeconds: 10 });

    const again = await connect(env.server.wsUrl, owner.session);
    const joined = await again.join(room, from);
    expect(joined.complete).toBe(true);
    const events = joined.events ?? [];
    expect(events.map((e) => e.kind)).toEqual([
      'member_mute',
      'member_unmute',
      'member_kick',
      'member_ban',
      'member_unban',
      'room_change',
    ]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 6 }, (_, i) => from + 1 + i));
    expect(events[0]).toMatchObject({ user: { id: bob.session.user.id }, reason: 'r1' });
    expect(events[2]).toMatchObject({ user: { id: carol.session.user.id }, reason: 'r2' });
    expect(events[3]).toMatchObject({ user: { id: dave.session.user.id }, reason: 'r3' });
    expect(events[5]).toMatchObject({ readOnly: true, slowModeSeconds: 10 });
    await again.close();
    await closeAll(mod, bob, carol, dave);
  });
});
