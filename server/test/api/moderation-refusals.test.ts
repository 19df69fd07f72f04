import { describe, expect, it } from 'vitest';
import { EVERY_DOMAIN } from '../../src/core/authz/authorizer.js';
import { roomName, serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { closeAll, moderatedRoom, person } from '../helpers/moderation.js';

interface ErrorAnswer {
  error: { code: string };
}

/**
 * Who may not moderate whom, on SQLite and PostgreSQL: members, the rank ladder (global admin > global
 * moderator > owner > room moderator > member), nobody on themselves, strict bodies, rooms one cannot see.
 * A refusal changes nothing: no event, no seq, no audit entry.
 */
describe.each(STORE_KINDS)('moderation refusals on %s', (kind) => {
  const env = serverForSuite(kind);
  const grant = (userId: string, role: 'admin' | 'moderator') =>
    env.server.app.authz.grantRole(userId, role, EVERY_DOMAIN);
  const auditCount = async () => Number((await env.raw.rows('select count(*) as n from audit_log'))[0]!['n']);

  it('a member may not moderate (FORBIDDEN), and the refusals change nothing', async () => {
    const [owner, bob, carol] = [await person(env, 'owner'), await person(env, 'bob'), await person(env, 'carol')];
    const room = await moderatedRoom(owner, undefined, bob, carol);
    const seq = (await owner.rest.room(room))!.lastSeq;
    const audits = await auditCount();
    const target = carol.session.user.username;
    const attempts = [
      bob.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, { username: target, durationSeconds: 60 }),
      bob.rest.delete<ErrorAnswer>(`/rooms/${room}/mutes/${target}`),
      bob.rest.post<ErrorAnswer>(`/rooms/${room}/kicks`, { username: target }),
      bob.rest.post<ErrorAnswer>(`/rooms/${room}/bans`, { username: target }),
      bob.rest.get<ErrorAnswer>(`/rooms/${room}/bans`),
      bob.rest.delete<ErrorAnswer>(`/rooms/${room}/bans/${target}`),
      bob.rest.patch<ErrorAnswer>(`/rooms/${room}/moderation`, { readOnly: true }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await owner.rest.room(room))!.lastSeq).toBe(seq);
    expect(await auditCount()).toBe(audits);
    await closeAll(owner, bob, carol);
  });

  it('a room moderator may not mute, kick or ban the owner or another moderator (TARGET_OUTRANKS), nor themselves', async () => {
    const [owner, mod, mod2] = [await person(env, 'owner'), await person(env, 'mod'), await person(env, 'modtwo')];
    const room = await moderatedRoom(owner, mod, mod2);
    await owner.rest.patch(`/rooms/${room}/members/${mod2.session.user.username}`, { role: 'moderator' });
    for (const target of [owner, mod2]) {
      const username = target.session.user.username;
      for (const answer of [
        await mod.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, { username, durationSeconds: 60 }),
        await mod.rest.post<ErrorAnswer>(`/rooms/${room}/kicks`, { username }),
        await mod.rest.post<ErrorAnswer>(`/rooms/${room}/bans`, { username }),
      ]) {
        expect([answer.status, answer.body.error.code]).toEqual([403, 'TARGET_OUTRANKS']);
      }
    }
    const self = await mod.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, {
      username: mod.session.user.username,
      durationSeconds: 60,
    });
    expect([self.status, self.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await owner.rest.room(room))?.mutedUntil).toBeUndefined();
    await closeAll(owner, mod, mod2);
  });

  it('global roles outrank room roles: an owner may not mute a global moderator; a global moderator mutes an owner; an admin a global moderator', async () => {
    const [owner, staff, admin, bob] = [
      await person(env, 'owner'),
      await person(env, 'staff'),
      await person(env, 'admin'),
      await person(env, 'bob'),
    ];
    await grant(staff.session.user.id, 'moderator');
    await grant(admin.session.user.id, 'admin');
    const room = await moderatedRoom(owner, undefined, staff, bob);
    const mute = (by: typeof owner, target: typeof owner) =>
      by.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, {
        username: target.session.user.username,
        durationSeconds: 60,
      });

    const refused = await mute(owner, staff);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'TARGET_OUTRANKS']);
    // The global moderator holds the room without being its owner (and without joining a private room).
    expect((await mute(staff, owner)).status).toBe(200);
    expect((await mute(admin, staff)).status).toBe(200);
    const staffBack = await mute(staff, admin);
    expect(staffBack.body.error.code).toBe('TARGET_OUTRANKS');
    // A global moderator need not be a member to moderate a public room.
    expect((await admin.rest.room(room))?.member).toBe(false);
    expect((await admin.rest.post(`/rooms/${room}/kicks`, { username: bob.session.user.username })).status).toBe(204);
    expect((await admin.rest.room(room))?.canModerate).toBe(true);
    await closeAll(owner, staff, admin, bob);
  });

  it('strict bodies: unknown fields, bad durations and too long reasons are VALIDATION_FAILED; unknown people USER_NOT_FOUND', async () => {
    const [owner, bob] = [await person(env, 'owner'), await person(env, 'bob')];
    const room = await moderatedRoom(owner, undefined, bob);
    const username = bob.session.user.username;
    for (const body of [
      { username, durationSeconds: 0 },
      { username, durationSeconds: 2_592_001 },
      { username, durationSeconds: 1.5 },
      { username, durationSeconds: 60, reason: 'x'.repeat(501) },
      { username, durationSeconds: 60, until: '2100-01-01T00:00:00.000Z' },
      { username },
    ]) {
      const answer = await owner.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, body);
      expect([answer.status, answer.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    for (const body of [
      {},
      { readOnly: 'yes' },
      { slowModeSeconds: 21_601 },
      { slowModeSeconds: -1 },
      { topic: 'x' },
    ]) {
      const answer = await owner.rest.patch<ErrorAnswer>(`/rooms/${room}/moderation`, body);
      expect([answer.status, answer.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const kick = await owner.rest.post<ErrorAnswer>(`/rooms/${room}/kicks`, { username, userId: bob.session.user.id });
    expect(kick.body.error.code).toBe('VALIDATION_FAILED');
    const nobody = await owner.rest.post<ErrorAnswer>(`/rooms/${room}/bans`, { username: 'nobody_at_all_here' });
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    await closeAll(owner, bob);
  });

  it('a private room I am not in is ROOM_NOT_FOUND for every route; kicking someone not in the room is NOT_IN_ROOM', async () => {
    const [owner, stranger, bob] = [
      await person(env, 'owner'),
      await person(env, 'stranger'),
      await person(env, 'bob'),
    ];
    const room = roomName('secret');
    await owner.rest.createRoom(room, 'private');
    const username = owner.session.user.username;
    for (const answer of [
      await stranger.rest.post<ErrorAnswer>(`/rooms/${room}/mutes`, { username, durationSeconds: 60 }),
      await stranger.rest.post<ErrorAnswer>(`/rooms/${room}/bans`, { username }),
      await stranger.rest.get<ErrorAnswer>(`/rooms/${room}/bans`),
      await stranger.rest.patch<ErrorAnswer>(`/rooms/${room}/moderation`, { slowModeSeconds: 5 }),
      await stranger.rest.patch<ErrorAnswer>(`/rooms/${room}/members/${username}`, { role: 'member' }),
    ]) {
      expect([answer.status, answer.body.error.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    }
    const notIn = await owner.rest.post<ErrorAnswer>(`/rooms/${room}/kicks`, { username: bob.session.user.username });
    expect([notIn.status, notIn.body.error.code]).toEqual([403, 'NOT_IN_ROOM']);
    await closeAll(owner, stranger, bob);
  });
});
