import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../protocol/index.js';
import { restAs, roomFramesAfterLeft, roomName, serverForSuite, STORE_KINDS } from '../helpers/conversations.js';
import { login, newUser, type Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Removal takes effect at once: a removed member's sockets stop following the room and hear why, and
 * their next write is refused with nothing stored. Leaving on one device ends the others' subscriptions.
 */
describe.each(STORE_KINDS)('removal from a room on %s', (kind) => {
  const env = serverForSuite(kind);

  /**
   * The first frame (received so far or later) that matches. Unlike `next`, it does not depend on the
   * order of waits: frames of several kinds arrive here in whatever order the server sends them.
   */
  async function seen<T extends ServerFrame['type']>(
    client: TestClient,
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const find = () => client.framesOf(type).find(match);
    await waitUntil(() => find() !== undefined, `a "${type}" frame`, { ceilingMs: 30_000 });
    return find()!;
  }

  const acksOf = (client: TestClient, text: string) =>
    client.framesOf('ack').filter((f) => f.message.text.startsWith(text));

  it('a member removed by the owner: every socket gets left {removed}, then nothing of the room; their writes store nothing', async () => {
    const alice = await newUser(env.server.url, 'alice');
    const bob = await newUser(env.server.url, 'bob');
    const carol = await newUser(env.server.url, 'carol');
    const owner = restAs(env.server.url, alice);
    const room = roomName('private');
    await owner.createRoom(room, 'private');
    await owner.invite(room, bob.user.username);
    await owner.invite(room, carol.user.username);

    const a = await connect(env.server.wsUrl, alice);
    const c = await connect(env.server.wsUrl, carol);
    const bobPhone = await connect(env.server.wsUrl, bob);
    const bobLaptop = await connect(env.server.wsUrl, await login(env.server.url, bob.user.username));
    for (const client of [a, c, bobPhone, bobLaptop]) await client.join(room);
    const kept = await a.sendText('before the removal', room);
    await bobPhone.next('message', (f) => f.message.id === kept.message.id);

    // Bob keeps sending while he is removed: each send is stored (before) or refused (after), never half.
    let sending = true;
    const burst = (async () => {
      for (let i = 0; sending && i < 200; i++) {
        bobPhone.send({ type: 'send', room, text: `bob burst ${i}`, clientMsgId: `burst-${i}` });
        bobPhone.send({ type: 'ping' });
        await bobPhone.next('pong');
      }
    })();
    await waitUntil(() => acksOf(bobPhone, 'bob burst').length >= 3, 'bob is sending');
    const removed = await owner.delete(`/rooms/${room}/members/${bob.user.username}`);
    expect(removed.status).toBe(204);
    const leftPhone = await seen(bobPhone, 'left', (f) => f.room === room);
    const leftLaptop = await seen(bobLaptop, 'left', (f) => f.room === room);
    expect(leftPhone).toEqual({ type: 'left', room, reason: 'removed' });
    expect(leftLaptop).toEqual({ type: 'left', room, reason: 'removed' });
    sending = false;
    await burst;
    const removal = await seen(c, 'event', (f) => f.event.kind === 'member_remove');
    expect(removal.event).toMatchObject({
      kind: 'member_remove',
      user: { id: bob.user.id },
      actor: { id: alice.user.id },
    });

    // The room goes on; carol sees it all, bob nothing of it.
    const after = await a.sendText('after the removal', room);
    a.send({ type: 'react', room, messageId: after.message.id, emoji: '👋' });
    a.send({ type: 'edit', room, messageId: kept.message.id, text: 'edited after the removal' });
    await seen(c, 'event', (f) => f.event.kind === 'edit');
    await seen(c, 'event', (f) => f.event.kind === 'reaction_add' && f.event.messageId === after.message.id);
    for (const client of [bobPhone, bobLaptop]) {
      expect(roomFramesAfterLeft(client, room)).toEqual([]);
      const late = client.frames.filter(
        (f) =>
          (f.type === 'message' && f.message.room === room && f.message.seq > removal.event.seq) ||
          (f.type === 'event' && f.event.room === room && f.event.seq > removal.event.seq),
      );
      expect(late).toEqual([]);
    }

    // Every burst message bob was acked for came before the removal; the refused ones left no trace.
    const acked = acksOf(bobPhone, 'bob burst');
    expect(acked.every((f) => f.message.seq < removal.event.seq)).toBe(true);
    const refusals = bobPhone.framesOf('error').filter((f) => f.ref?.startsWith('burst-'));
    expect(refusals.every((f) => f.code === 'NOT_IN_ROOM' || f.code === 'ROOM_NOT_FOUND')).toBe(true);
    const stored = await env.raw.rows(
      `select seq, text from messages where room = '${room}' and text like 'bob burst%'`,
    );
    expect(stored.map((r) => Number(r['seq'])).sort((x, y) => x - y)).toEqual(
      acked.map((f) => f.message.seq).sort((x, y) => x - y),
    );

    // His next writes and reads are refused, and store nothing.
    const seq = (await owner.room(room))!.lastSeq;
    bobLaptop.send({ type: 'send', room, text: 'am I still here?', clientMsgId: 'still-here' });
    expect((await bobLaptop.next('error', (f) => f.ref === 'still-here')).code).toMatch(
      /^(NOT_IN_ROOM|ROOM_NOT_FOUND)$/,
    );
    bobLaptop.send({ type: 'join', room });
    expect(await bobLaptop.next('error', (f) => f.ref === 'join')).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    bobLaptop.send({ type: 'react', room, messageId: after.message.id, emoji: '👍' });
    expect(await bobLaptop.next('error', (f) => f.ref === 'react')).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    const history = await restAs(env.server.url, bob).get<{ error: { code: string } }>(`/rooms/${room}/messages`);
    expect([history.status, history.body.error.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    expect((await owner.room(room))!.lastSeq).toBe(seq);
    expect(await env.raw.dump()).not.toContain('am I still here?');
    await Promise.all([a, c, bobPhone, bobLaptop].map((client) => client.close()));
  });

  it('leaving on one device ends the subscription of every other device with left {left}', async () => {
    const alice = await newUser(env.server.url, 'alice');
    const bobPhoneSession: Session = await newUser(env.server.url, 'bob');
    const bobLaptopSession = await login(env.server.url, bobPhoneSession.user.username);
    const room = roomName('public');
    await restAs(env.server.url, alice).createRoom(room);
    const a = await connect(env.server.wsUrl, alice);
    const phone = await connect(env.server.wsUrl, bobPhoneSession);
    const laptop = await connect(env.server.wsUrl, bobLaptopSession);
    await a.join(room);
    await phone.join(room);
    await laptop.join(room);

    const left = await restAs(env.server.url, bobPhoneSession).post(`/rooms/${room}/leave`);
    expect(left.status).toBe(204);
    expect(await seen(laptop, 'left', (f) => f.room === room)).toEqual({ type: 'left', room, reason: 'left' });
    expect(await seen(phone, 'left', (f) => f.room === room)).toEqual({ type: 'left', room, reason: 'left' });
    const leave = await seen(a, 'event', (f) => f.event.kind === 'member_leave');
    expect(leave.event).toMatchObject({ user: { id: bobPhoneSession.user.id } });
    expect(await seen(laptop, 'rooms-changed', (f) => f.room === room)).toMatchObject({ room });

    const later = await a.sendText('anyone?', room);
    // A fresh socket of another user in the room proves the message went out before we look.
    const watcher = await connect(env.server.wsUrl, alice);
    await watcher.join(room);
    expect(roomFramesAfterLeft(laptop, room)).toEqual([]);
    expect(roomFramesAfterLeft(phone, room)).toEqual([]);
    expect(laptop.frames.some((f) => f.type === 'message' && f.message.id === later.message.id)).toBe(false);
    // It is a public room: a new join (on any device) makes him a member again, and he follows it.
    const back = await laptop.join(room);
    expect(back.messages.map((m) => m.id)).toContain(later.message.id);
    expect((await restAs(env.server.url, bobLaptopSession).room(room))?.member).toBe(true);
    await Promise.all([a, phone, laptop, watcher].map((client) => client.close()));
  });
});
