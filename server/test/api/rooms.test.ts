import { describe, expect, it } from 'vitest';
import type { Room } from '../../../protocol/index.js';
import { restAs, roomName, serverForSuite, STORE_KINDS, type ErrorAnswer } from '../helpers/conversations.js';
import { login, newUser, type Session } from '../helpers/http.js';
import { connect } from '../helpers/ws-client.js';

/**
 * Rooms people create, their members, and direct messages, through the REST API and the socket, on
 * SQLite and on PostgreSQL.
 */
describe.each(STORE_KINDS)('rooms and DMs on %s', (kind) => {
  const env = serverForSuite(kind);

  async function person(prefix: string): Promise<{ session: Session; rest: ReturnType<typeof restAs> }> {
    const session = await newUser(env.server.url, prefix);
    return { session, rest: restAs(env.server.url, session) };
  }

  it('creates public and private rooms: the creator owns them, the list shows mine and public ones only', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const open = roomName('open');
    const closed = roomName('closed');
    const created = await alice.rest.createRoom(open, 'public', '  Tea and talk  ');
    expect(created).toMatchObject({
      name: open,
      kind: 'room',
      visibility: 'public',
      topic: 'Tea and talk',
      member: true,
      role: 'owner',
      memberCount: 1,
      unread: 0,
      mentions: 0,
    });
    await alice.rest.createRoom(closed, 'private');

    const taken = await bob.rest.post<ErrorAnswer>('/rooms', { name: open });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'ROOM_NAME_TAKEN']);
    const posing = await bob.rest.post<ErrorAnswer>('/rooms', { name: 'dm-0123456789abcdef0123456789ab' });
    expect([posing.status, posing.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);

    const forBob = await bob.rest.rooms();
    expect(forBob.find((r) => r.name === open)).toMatchObject({ member: false, visibility: 'public' });
    expect(forBob.find((r) => r.name === closed)).toBeUndefined();
    expect(
      (await alice.rest.rooms()).filter((r) => [open, closed].includes(r.name)).map((r) => [r.name, r.role]),
    ).toEqual(
      [
        [closed, 'owner'],
        [open, 'owner'],
      ].sort(),
    );
    const one = await bob.rest.get<{ room: Room }>(`/rooms/${open}`);
    expect(one.body.room).toMatchObject({ name: open, member: false, topic: 'Tea and talk' });
    expect(one.body.room.role).toBeUndefined();

    // Joining a public room makes me a member; the list then counts for me.
    const joined = await bob.rest.post<{ room: Room }>(`/rooms/${open}/join`);
    expect(joined.body.room).toMatchObject({ member: true, role: 'member', memberCount: 2 });
  });

  it('only the owner changes the topic or visibility, invites and removes; a change is an event to members', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    const name = roomName('managed');
    await alice.rest.createRoom(name, 'private');
    expect((await alice.rest.invite(name, bob.session.user.username.toUpperCase())).memberCount).toBe(2);

    const bobSocket = await connect(env.server.wsUrl, bob.session);
    const joined = await bobSocket.join(name);
    for (const [call, code] of [
      [() => bob.rest.patch<ErrorAnswer>(`/rooms/${name}`, { topic: 'mine now' }), 'NOT_ROOM_OWNER'],
      [
        () => bob.rest.post<ErrorAnswer>(`/rooms/${name}/members`, { username: carol.session.user.username }),
        'NOT_ROOM_OWNER',
      ],
      [() => bob.rest.delete<ErrorAnswer>(`/rooms/${name}/members/${alice.session.user.username}`), 'NOT_ROOM_OWNER'],
      [
        () => alice.rest.post<ErrorAnswer>(`/rooms/${name}/members`, { username: 'no_such_user_anywhere' }),
        'USER_NOT_FOUND',
      ],
    ] as const) {
      const answer = await call();
      expect([answer.status, answer.body.error.code]).toEqual([code === 'USER_NOT_FOUND' ? 404 : 403, code]);
    }
    expect((await alice.rest.room(name))?.lastSeq).toBe(joined.lastSeq);

    const changed = await alice.rest.patch<{ room: Room }>(`/rooms/${name}`, { topic: 'Plans', visibility: 'public' });
    expect(changed.body.room).toMatchObject({ topic: 'Plans', visibility: 'public' });
    const event = await bobSocket.next('event', (f) => f.event.kind === 'room_change');
    expect(event.event).toMatchObject({
      kind: 'room_change',
      seq: joined.lastSeq! + 1,
      topic: 'Plans',
      visibility: 'public',
    });
    // The same change again changes nothing and writes nothing.
    await alice.rest.patch(`/rooms/${name}`, { topic: 'Plans' });
    expect((await alice.rest.room(name))?.lastSeq).toBe(joined.lastSeq! + 1);
    await bobSocket.close();
  });

  it('the last owner cannot leave a room that has other members; a member can leave, and joins again only if public', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const name = roomName('owned');
    await alice.rest.createRoom(name, 'private');
    await alice.rest.invite(name, bob.session.user.username);
    const refused = await alice.rest.post<ErrorAnswer>(`/rooms/${name}/leave`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'LAST_OWNER']);
    expect((await alice.rest.get<{ members: unknown[] }>(`/rooms/${name}/members`)).body.members).toHaveLength(2);

    expect((await bob.rest.post(`/rooms/${name}/leave`)).status).toBe(204);
    const again = await bob.rest.post<ErrorAnswer>(`/rooms/${name}/leave`);
    expect([again.status, again.body.error.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    const rejoin = await bob.rest.post<ErrorAnswer>(`/rooms/${name}/join`);
    expect([rejoin.status, rejoin.body.error.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    expect((await bob.rest.rooms()).find((r) => r.name === name)).toBeUndefined();

    // The owner removes a member of a public room: the member is out, and may come back by joining.
    const open = roomName('open');
    await alice.rest.createRoom(open);
    await bob.rest.post(`/rooms/${open}/join`);
    expect((await alice.rest.delete(`/rooms/${open}/members/${bob.session.user.username}`)).status).toBe(204);
    expect((await bob.rest.room(open))?.member).toBe(false);
    const notIn = await bob.rest.post<ErrorAnswer>(`/rooms/${open}/leave`);
    expect([notIn.status, notIn.body.error.code]).toEqual([403, 'NOT_IN_ROOM']);
    // The owner alone may leave: nobody is left without an owner.
    expect((await alice.rest.post(`/rooms/${name}/leave`)).status).toBe(204);
  });

  it('a DM is the same room whoever opens it and whatever the case; it takes no other members', async () => {
    const alice = await person('alice');
    const bob = await person('Bob');
    const carol = await person('carol');
    const fromAlice = await alice.rest.openDm(bob.session.user.username.toUpperCase());
    const fromBob = await bob.rest.openDm(alice.session.user.username.toLowerCase());
    const again = await alice.rest.openDm(bob.session.user.username.toLowerCase());
    expect(fromBob.name).toBe(fromAlice.name);
    expect(again.name).toBe(fromAlice.name);
    expect(fromAlice).toMatchObject({ kind: 'dm', visibility: 'private', member: true, memberCount: 2 });
    expect(fromAlice.members?.map((m) => m.id).sort()).toEqual([alice.session.user.id, bob.session.user.id].sort());
    const seq = fromAlice.lastSeq;
    expect((await bob.rest.rooms()).filter((r) => r.kind === 'dm').map((r) => r.name)).toEqual([fromAlice.name]);

    const dm = fromAlice.name;
    for (const [call, status, code] of [
      [
        () => alice.rest.post<ErrorAnswer>(`/rooms/${dm}/members`, { username: carol.session.user.username }),
        403,
        'DM_MEMBERS_FIXED',
      ],
      [
        () => alice.rest.delete<ErrorAnswer>(`/rooms/${dm}/members/${bob.session.user.username}`),
        403,
        'DM_MEMBERS_FIXED',
      ],
      [() => bob.rest.post<ErrorAnswer>(`/rooms/${dm}/leave`), 403, 'DM_MEMBERS_FIXED'],
      [() => alice.rest.patch<ErrorAnswer>(`/rooms/${dm}`, { visibility: 'public' }), 403, expect.any(String)],
      [() => carol.rest.post<ErrorAnswer>(`/rooms/${dm}/join`), 404, 'ROOM_NOT_FOUND'],
      [() => carol.rest.get<ErrorAnswer>(`/rooms/${dm}`), 404, 'ROOM_NOT_FOUND'],
      [() => carol.rest.get<ErrorAnswer>(`/rooms/${dm}/messages`), 404, 'ROOM_NOT_FOUND'],
      [() => carol.rest.get<ErrorAnswer>(`/rooms/${dm}/members`), 404, 'ROOM_NOT_FOUND'],
    ] as const) {
      const answer = await call();
      expect([answer.status, answer.body.error.code]).toEqual([status, code]);
    }
    expect((await alice.rest.get<{ room: Room }>(`/rooms/${dm}`)).body.room).toMatchObject({
      visibility: 'private',
      lastSeq: seq,
      memberCount: 2,
    });

    // Over the socket: carol cannot follow it or write in it, and nothing is stored.
    const carolSocket = await connect(env.server.wsUrl, carol.session);
    carolSocket.send({ type: 'join', room: dm });
    expect(await carolSocket.next('error', (f) => f.ref === 'join')).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    carolSocket.send({ type: 'send', room: dm, text: 'let me in', clientMsgId: 'carol-1' });
    expect((await carolSocket.next('error', (f) => f.ref === 'carol-1')).code).toMatch(
      /^(NOT_IN_ROOM|ROOM_NOT_FOUND)$/,
    );
    carolSocket.send({ type: 'history', room: dm, before: 1_000_000, limit: 10 });
    expect(await carolSocket.next('error', (f) => f.ref === 'history')).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    await carolSocket.close();

    // Alice and bob chat there; a fresh login of bob sees it.
    const a = await connect(env.server.wsUrl, alice.session);
    await a.join(dm);
    const ack = await a.sendText('just us', dm);
    const bobAgain = await login(env.server.url, bob.session.user.username);
    const b = await connect(env.server.wsUrl, bobAgain);
    const joined = await b.join(dm);
    expect(joined.messages.map((m) => m.id)).toEqual([ack.message.id]);
    expect((await env.raw.rows(`select count(*) as n from messages where room = '${dm}'`))[0]?.['n']).toEqual(
      kind === 'sqlite' ? 1 : '1',
    );
    expect((await alice.rest.room(dm))?.lastSeq).toBe(seq + 1);
    await Promise.all([a.close(), b.close()]);
  });

  it('a DM needs someone else, who exists', async () => {
    const alice = await person('alice');
    const self = await alice.rest.post<ErrorAnswer>('/dms', { username: alice.session.user.username });
    expect([self.status, self.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const ghost = await alice.rest.post<ErrorAnswer>('/dms', { username: 'nobody_by_this_name' });
    expect([ghost.status, ghost.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    expect((await alice.rest.rooms()).filter((r) => r.kind === 'dm')).toEqual([]);
  });
});
