import { describe, expect, it } from 'vitest';
import type { Message, Room } from '../../../protocol/index.js';
import { restAs, roomName, serverForSuite, STORE_KINDS, type Rest } from '../helpers/conversations.js';
import { login, newUser, type Session } from '../helpers/http.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Edits, deletions, reactions, replies, mentions, unread and read markers, on SQLite and PostgreSQL.
 */
describe.each(STORE_KINDS)('message changes and unread on %s', (kind) => {
  const env = serverForSuite(kind);

  interface Person {
    session: Session;
    rest: Rest;
    socket: TestClient;
  }

  /** Alice owns a private room with bob in it; both have a socket that follows it. */
  async function pair(): Promise<{ room: string; alice: Person; bob: Person }> {
    const people: Person[] = [];
    for (const prefix of ['alice', 'bob']) {
      const session = await newUser(env.server.url, prefix);
      people.push({ session, rest: restAs(env.server.url, session), socket: await connect(env.server.wsUrl, session) });
    }
    const [alice, bob] = people as [Person, Person];
    const room = roomName('chat');
    await alice.rest.createRoom(room, 'private');
    await alice.rest.invite(room, bob.session.user.username);
    await alice.socket.join(room);
    await bob.socket.join(room);
    return { room, alice, bob };
  }

  async function close(...people: Person[]): Promise<void> {
    await Promise.all(people.map((p) => p.socket.close()));
  }

  it('editing or deleting another person’s message is refused, and changes nothing', async () => {
    const { room, alice, bob } = await pair();
    const ack = await alice.socket.sendText('mine, not yours', room);
    const before = (await alice.rest.room(room))?.lastSeq;
    bob.socket.send({ type: 'edit', room, messageId: ack.message.id, text: 'hijacked' });
    expect(await bob.socket.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
    bob.socket.send({ type: 'delete', room, messageId: ack.message.id });
    expect(await bob.socket.next('error', (f) => f.ref === 'delete')).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
    bob.socket.send({ type: 'edit', room, messageId: 'no-such-message', text: 'x' });
    expect(await bob.socket.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect((await alice.rest.room(room))?.lastSeq).toBe(before);
    const history = await bob.rest.get<{ messages: Message[] }>(`/rooms/${room}/messages`);
    expect(history.body.messages.find((m) => m.id === ack.message.id)).toMatchObject({ text: 'mine, not yours' });
    expect(await env.raw.dump()).not.toContain('hijacked');
    await close(alice, bob);
  });

  it('an edit reaches the room as an event; a deletion erases the words from the database', async () => {
    const { room, alice, bob } = await pair();
    const words = `the secret plan ${globalThis.crypto.randomUUID()}`;
    const ack = await alice.socket.sendText(words, room);
    await bob.socket.next('message', (f) => f.message.id === ack.message.id);

    alice.socket.send({ type: 'edit', room, messageId: ack.message.id, text: `${words}, revised` });
    const edit = await bob.socket.next('event', (f) => f.event.kind === 'edit');
    expect(edit.event).toMatchObject({
      kind: 'edit',
      messageId: ack.message.id,
      text: `${words}, revised`,
      seq: ack.message.seq + 1,
    });
    // Too long an edit is refused as `send` would be.
    alice.socket.send({
      type: 'edit',
      room,
      messageId: ack.message.id,
      text: 'x'.repeat(env.server.config.messageMaxChars + 1),
    });
    expect(await alice.socket.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'MESSAGE_TOO_LONG' });
    alice.socket.send({ type: 'edit', room, messageId: ack.message.id, text: '   ' });
    expect(await alice.socket.next('error', (f) => f.ref === 'edit')).toMatchObject({ code: 'MESSAGE_EMPTY' });

    alice.socket.send({ type: 'delete', room, messageId: ack.message.id });
    const deletion = await bob.socket.next('event', (f) => f.event.kind === 'delete');
    expect(deletion.event).toMatchObject({
      kind: 'delete',
      messageId: ack.message.id,
      byModerator: false,
      seq: ack.message.seq + 2,
    });

    const history = await bob.rest.get<{ messages: Message[] }>(`/rooms/${room}/messages`);
    const tombstone = history.body.messages.find((m) => m.id === ack.message.id);
    expect(tombstone).toMatchObject({ text: '', seq: ack.message.seq });
    expect(tombstone?.deletedAt).toEqual(expect.any(String));
    const dump = await env.raw.dump();
    expect(dump).not.toContain(words);
    expect(dump).not.toContain('the secret plan');
    // A fresh client resuming from before the message gets no words back either.
    const late = await connect(env.server.wsUrl, await login(env.server.url, bob.session.user.username));
    const resumed = await late.join(room, ack.message.seq - 1);
    expect(JSON.stringify(resumed)).not.toContain('secret plan');
    await late.close();
    await close(alice, bob);
  });

  it('reactions: exactly one emoji, one per person, counted; INVALID_EMOJI for anything else', async () => {
    const { room, alice, bob } = await pair();
    const ack = await alice.socket.sendText('react to me', room);
    const before = (await alice.rest.room(room))?.lastSeq ?? -1;
    for (const emoji of ['a', '👍👍', ':+1:', '\u200d', '#', '👍'.repeat(20)]) {
      bob.socket.send({ type: 'react', room, messageId: ack.message.id, emoji });
      expect(await bob.socket.next('error', (f) => f.ref === 'react')).toMatchObject({ code: 'INVALID_EMOJI' });
    }
    // An empty emoji does not fit the frame's schema (protocol/frames.ts, min 1): INVALID_FRAME.
    const seen = bob.socket.framesOf('error').length;
    bob.socket.send({ type: 'react', room, messageId: ack.message.id, emoji: '' });
    await bob.socket.next('error', () => bob.socket.framesOf('error').length > seen);
    expect(bob.socket.framesOf('error').at(-1)).toMatchObject({ code: 'INVALID_FRAME' });
    expect((await alice.rest.room(room))?.lastSeq).toBe(before);

    for (const emoji of ['👍', '👍🏽', '🇫🇷', '👩‍👩‍👧‍👦']) {
      bob.socket.send({ type: 'react', room, messageId: ack.message.id, emoji });
      const added = await alice.socket.next('event', (f) => f.event.kind === 'reaction_add' && f.event.emoji === emoji);
      expect(added.event).toMatchObject({ count: 1, actor: { id: bob.session.user.id } });
    }
    // The same reaction again changes nothing; alice's own makes two.
    bob.socket.send({ type: 'react', room, messageId: ack.message.id, emoji: '👍' });
    alice.socket.send({ type: 'react', room, messageId: ack.message.id, emoji: '👍' });
    const second = await bob.socket.next(
      'event',
      (f) => f.event.kind === 'reaction_add' && f.event.emoji === '👍' && f.event.actor.id === alice.session.user.id,
    );
    expect(second.event).toMatchObject({ count: 2, seq: before + 5 });
    const history = await alice.rest.get<{ messages: Message[] }>(`/rooms/${room}/messages`);
    expect(history.body.messages.find((m) => m.id === ack.message.id)?.reactions).toContainEqual({
      emoji: '👍',
      count: 2,
      mine: true,
    });
    await close(alice, bob);
  });

  it('a reply carries a short quote of the message as it is now; mentions count members only', async () => {
    const { room, alice, bob } = await pair();
    const outsider = await newUser(env.server.url, 'carol');
    const long = `${'word '.repeat(60)}end`;
    const original = await alice.socket.sendText(long, room);
    bob.socket.send({
      type: 'send',
      room,
      text: `@${alice.session.user.username.toUpperCase()} yes, and @${outsider.user.username} too`,
      clientMsgId: 'reply-1',
      replyTo: original.message.id,
    });
    const reply = await bob.socket.next('ack', (f) => f.clientMsgId === 'reply-1');
    expect(reply.message.replyTo).toMatchObject({
      id: original.message.id,
      seq: original.message.seq,
      deleted: false,
      user: { id: alice.session.user.id },
    });
    expect(long.startsWith(reply.message.replyTo!.excerpt.replace(/…$/, ''))).toBe(true);
    expect([...reply.message.replyTo!.excerpt].length).toBeLessThanOrEqual(121);
    expect(reply.message.mentions).toEqual([alice.session.user.id]);
    expect((await alice.socket.next('message', (f) => f.message.id === reply.message.id)).message.replyTo?.id).toBe(
      original.message.id,
    );

    bob.socket.send({ type: 'send', room, text: 'to nowhere', clientMsgId: 'reply-2', replyTo: 'no-such-message' });
    expect(await bob.socket.next('error', (f) => f.ref === 'reply-2')).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });

    alice.socket.send({ type: 'delete', room, messageId: original.message.id });
    await bob.socket.next('event', (f) => f.event.kind === 'delete');
    const history = await bob.rest.get<{ messages: Message[] }>(`/rooms/${room}/messages`);
    expect(history.body.messages.find((m) => m.id === reply.message.id)?.replyTo).toMatchObject({
      deleted: true,
      excerpt: '',
    });
    await close(alice, bob);
  });

  it('unread and mention counts are right after a reload and across two devices of one user', async () => {
    const { room, alice, bob } = await pair();
    await bob.socket.close();
    const name = bob.session.user.username;
    await alice.socket.sendText('one', room);
    await alice.socket.sendText(`two for @${name}`, room);
    const last = await alice.socket.sendText('three', room);
    await alice.socket.sendText('mine does not count for me', room);

    // A reload: a new login of bob, on two devices.
    const phone = await login(env.server.url, name);
    const laptop = await login(env.server.url, name);
    const onPhone = restAs(env.server.url, phone);
    const onLaptop = restAs(env.server.url, laptop);
    expect(await onPhone.room(room)).toMatchObject({ unread: 4, mentions: 1 });
    expect(await alice.rest.room(room)).toMatchObject({ unread: 0, mentions: 0 });

    const phoneSocket = await connect(env.server.wsUrl, phone);
    const laptopSocket = await connect(env.server.wsUrl, laptop);
    const joined = await phoneSocket.join(room);
    expect(joined.lastReadSeq).toBeLessThan(last.message.seq);
    phoneSocket.send({ type: 'read', room, seq: last.message.seq });
    expect(await laptopSocket.next('read', (f) => f.room === room)).toEqual({
      type: 'read',
      room,
      seq: last.message.seq,
    });
    expect(await onLaptop.room(room)).toMatchObject({ unread: 1, mentions: 0, lastReadSeq: last.message.seq });

    // Backwards is ignored; past the end stops at the end; REST moves it too, and every device hears.
    const back = await onLaptop.post<{ seq: number }>(`/rooms/${room}/read`, { seq: 1 });
    expect(back.body.seq).toBe(last.message.seq);
    const end = await onLaptop.post<{ seq: number }>(`/rooms/${room}/read`, { seq: 1_000_000 });
    const lastSeq = (await alice.rest.room(room))!.lastSeq;
    expect(end.body.seq).toBe(lastSeq);
    expect(await phoneSocket.next('read', (f) => f.seq === lastSeq)).toMatchObject({ room });
    const fresh = restAs(env.server.url, await login(env.server.url, name));
    expect(await fresh.room(room)).toMatchObject({ unread: 0, mentions: 0, lastReadSeq: lastSeq });
    await Promise.all([phoneSocket.close(), laptopSocket.close(), alice.socket.close()]);
  });

  it('GET /rooms counts unread per room for a member of many', async () => {
    const alice = await newUser(env.server.url, 'alice');
    const bob = await newUser(env.server.url, 'bob');
    const rest = restAs(env.server.url, alice);
    const socket = await connect(env.server.wsUrl, alice);
    const names = [roomName('many'), roomName('many'), roomName('many')];
    for (const [i, name] of names.entries()) {
      await rest.createRoom(name);
      await restAs(env.server.url, bob).post(`/rooms/${name}/join`);
      await socket.join(name);
      for (let n = 0; n <= i; n++) await socket.sendText(`m${n}`, name);
    }
    const forBob = await restAs(env.server.url, bob).rooms();
    expect(names.map((name) => forBob.find((r: Room) => r.name === name)?.unread)).toEqual([1, 2, 3]);
    await socket.close();
  });
});
