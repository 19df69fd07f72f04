import { describe, expect, it } from 'vitest';
import { adminAs, makeAdmin, type ErrorAnswer } from '../helpers/admin.js';
import { serverForSuite } from '../helpers/conversations.js';
import { closeAll, moderatedRoom, person } from '../helpers/moderation.js';

/**
 * The room-role route asks the policies for `manage`, which by default only owners hold. An admin may
 * let room moderators `manage` one room (its topic, say): that must not let a moderator make
 * themselves an owner — which would bring invite, remove and every owner's right — nor demote one.
 */
describe('room roles when a policy lets room moderators manage', () => {
  const env = serverForSuite('sqlite');

  it('a moderator with `manage` cannot promote themselves or anyone to owner, nor demote an owner', async () => {
    const [owner, mod, bob, boss] = [
      await person(env, 'owner'),
      await person(env, 'mod'),
      await person(env, 'bob'),
      await person(env, 'boss'),
    ];
    const room = await moderatedRoom(owner, mod, bob);
    await makeAdmin(env.server.app, boss.session);
    const policy = { role: 'moderator', domain: `room:${room}`, action: 'manage' };
    expect((await adminAs(env.server.url, boss.session).post('/policies', policy)).status).toBe(200);
    // What the policy grants, it grants: the topic.
    expect((await mod.rest.patch(`/rooms/${room}`, { topic: 'moderated' })).status).toBe(200);

    const code = (answer: { status: number; body: unknown }) => [
      answer.status,
      (answer.body as ErrorAnswer).error?.code,
    ];
    const as = (who: string, role: string) => mod.rest.patch(`/rooms/${room}/members/${who}`, { role });
    expect(code(await as(mod.session.user.username, 'owner'))).toEqual([403, 'FORBIDDEN']);
    expect(code(await as(bob.session.user.username, 'owner'))).toEqual([403, 'FORBIDDEN']);
    expect(code(await as(owner.session.user.username, 'member'))).toEqual([403, 'TARGET_OUTRANKS']);
    expect((await mod.rest.room(room))?.role).toBe('moderator');
    expect((await owner.rest.room(room))?.role).toBe('owner');
    // Below their own rank, as far as their own rank: allowed.
    expect((await as(bob.session.user.username, 'moderator')).status).toBe(200);
    await closeAll(owner, mod, bob, boss);
  });
});
