import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../../protocol/index.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { RoomState } from '../helpers/room-state.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * The guarantee of issue 12: a client offline while others edit, delete and react resumes with
 * `after` and ends with exactly the state a fresh client loads — on SQLite and on PostgreSQL.
 */
const BACKENDS: [string, () => Promise<{ env: Record<string, string>; dispose: () => Promise<void> }>][] = [
  ['SQLite', () => Promise.resolve({ env: {}, dispose: () => Promise.resolve() })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTempDatabase();
      return { env: { DATABASE_URL: database.url }, dispose: () => database.drop() };
    },
  ],
];

describe.each(BACKENDS)('resume equals a fresh load, on %s', (_name, open) => {
  let dispose: () => Promise<void>;
  let server: TestServer;
  const ROOM = 'resume-room';

  beforeAll(async () => {
    const backend = await open();
    dispose = backend.dispose;
    server = await startServer({ env: { LOG_LEVEL: 'warn', ...backend.env } });
  });
  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  const call = <T>(session: Session, path: string, body?: unknown, method?: string) =>
    request<T>(`${server.url}/api/v1${path}`, {
      token: session.accessToken,
      cookie: session.cookie,
      ...(body === undefined ? {} : { body }),
      ...(method === undefined ? {} : { method }),
    });

  /** Applies the room's live frames the client received (messages, acks, events) to its state. */
  function applyLive(client: TestClient, state: RoomState): void {
    for (const frame of client.frames) {
      if ((frame.type === 'message' || frame.type === 'ack') && frame.message.room === ROOM) state.applyFrame(frame);
      else if (frame.type === 'event' && frame.event.room === ROOM) state.applyFrame(frame);
    }
  }

  it('edits, deletions, reactions, replies, mentions, a topic change and moderation made while offline all arrive', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => newUser(server.url, name)));
    expect((await call(alice!, '/rooms', { name: ROOM, visibility: 'private' })).status).toBe(201);
    for (const who of [bob!, carol!]) {
      expect((await call(alice!, `/rooms/${ROOM}/members`, { username: who.user.username })).status).toBe(200);
    }
    const a = await connect(server.wsUrl, alice!);
    const c = await connect(server.wsUrl, carol!);
    let b = await connect(server.wsUrl, bob!);
    await Promise.all([a.join(ROOM), c.join(ROOM)]);

    // Bob is here for the first part, and builds his state as a client would.
    const held = new RoomState(bob!.user.id);
    held.applyJoined(await b.join(ROOM));
    const first = await a.sendText('first, to be edited while bob is away', ROOM);
    const second = await c.sendText('second, to be deleted while bob is away', ROOM);
    const third = await a.sendText('third, bob reacts to it', ROOM);
    const mine = await b.sendText('bob was here', ROOM);
    b.send({ type: 'react', room: ROOM, messageId: third.message.id, emoji: '👍' });
    await a.next('event', (f) => f.event.kind === 'reaction_add' && f.event.actor.id === bob!.user.id);
    await b.next('event', (f) => f.event.kind === 'reaction_add' && f.event.actor.id === bob!.user.id);
    applyLive(b, held);
    expect(held.lastSeq).toBeGreaterThan(0);
    await b.close();

    // While bob is offline.
    a.send({ type: 'edit', room: ROOM, messageId: first.message.id, text: `first, edited @${bob!.user.username}` });
    c.send({ type: 'delete', room: ROOM, messageId: second.message.id });
    a.send({ type: 'react', room: ROOM, messageId: third.message.id, emoji: '👍' });
    c.send({ type: 'react', room: ROOM, messageId: mine.message.id, emoji: '🎉' });
    c.send({ type: 'react', room: ROOM, messageId: mine.message.id, emoji: '❤️' });
    c.send({ type: 'react', room: ROOM, messageId: mine.message.id, emoji: '🎉', remove: true });
    const mentions = `a reply to bob, @${bob!.user.username} @${carol!.user.username.toUpperCase()} @nobody_here`;
    a.send({ type: 'send', room: ROOM, text: mentions, clientMsgId: 'reply-1', replyTo: mine.message.id });
    await a.next('ack', (f) => f.clientMsgId === 'reply-1');
    const late = await c.sendText('late, then edited twice, then deleted', ROOM);
    c.send({ type: 'edit', room: ROOM, messageId: late.message.id, text: 'late v2' });
    c.send({ type: 'edit', room: ROOM, messageId: late.message.id, text: 'late v3' });
    c.send({ type: 'delete', room: ROOM, messageId: late.message.id });
    const quoted = await c.sendText('carol answers the first', ROOM);
    a.send({ type: 'edit', room: ROOM, messageId: first.message.id, text: 'first, edited again' });
    expect((await call(alice!, `/rooms/${ROOM}`, { topic: 'what bob missed' }, 'PATCH')).status).toBe(200);
    await c.next('event', (f) => f.event.kind === 'room_change');
    // Moderation while he is away: the owner removes carol's words, mutes bob, sets the room's modes.
    const moderated = await c.sendText('carol says something the owner removes', ROOM);
    a.send({ type: 'delete', room: ROOM, messageId: moderated.message.id });
    await c.next('event', (f) => f.event.kind === 'delete' && f.event.messageId === moderated.message.id);
    const muted = await call(alice!, `/rooms/${ROOM}/mutes`, { username: bob!.user.username, durationSeconds: 600 });
    expect(muted.status).toBe(200);
    const modes = { readOnly: true, slowModeSeconds: 30 };
    expect((await call(alice!, `/rooms/${ROOM}/moderation`, modes, 'PATCH')).status).toBe(200);
    expect((await call(alice!, `/rooms/${ROOM}/moderation`, { readOnly: false }, 'PATCH')).status).toBe(200);
    await c.next('event', (f) => f.event.kind === 'room_change' && f.event.readOnly === false);
    expect(quoted.message.seq).toBeGreaterThan(held.lastSeq);

    // Bob comes back and resumes after the last seq he applied.
    b = await connect(server.wsUrl, bob!);
    const resumed = await b.join(ROOM, held.lastSeq);
    expect(resumed.complete).toBe(true);
    expect(resumed.events!.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['edit', 'delete', 'reaction_add', 'reaction_remove', 'room_change', 'member_mute']),
    );
    held.applyJoined(resumed);

    // A fresh client (bob on another device) loads the room from scratch.
    const fresh = new RoomState(bob!.user.id);
    const other = await connect(server.wsUrl, bob!);
    fresh.applyJoined(await other.join(ROOM));
    const view = (await call<{ room: Room }>(bob!, `/rooms/${ROOM}`)).body.room;
    fresh.topic = view.topic;
    fresh.readOnly = view.readOnly ?? false;
    fresh.slowModeSeconds = view.slowModeSeconds ?? 0;
    fresh.mutedUntil = view.mutedUntil;

    expect(held.snapshot()).toEqual(fresh.snapshot());
    expect(held.topic).toBe(fresh.topic);
    expect([held.readOnly, held.slowModeSeconds, held.mutedUntil]).toEqual([
      fresh.readOnly,
      fresh.slowModeSeconds,
      fresh.mutedUntil,
    ]);
    expect(held.lastSeq).toBe(fresh.lastSeq);
    // And the state is what happened, not merely the same on both sides.
    const byId = new Map(fresh.snapshot().map((m) => [m.id, m]));
    expect(byId.get(first.message.id)).toMatchObject({ text: 'first, edited again' });
    expect(byId.get(first.message.id)!.editedAt).toBeDefined();
    expect(byId.get(second.message.id)).toMatchObject({ text: '' });
    expect(byId.get(second.message.id)!.deletedAt).toBeDefined();
    expect(byId.get(late.message.id)).toMatchObject({ text: '' });
    expect(byId.get(third.message.id)!.reactions).toEqual([{ emoji: '👍', count: 2, mine: true }]);
    expect(byId.get(mine.message.id)!.reactions).toEqual([{ emoji: '❤️', count: 1, mine: false }]);
    const reply = [...byId.values()].find((m) => m.replyTo?.id === mine.message.id)!;
    expect(reply.replyTo).toMatchObject({ excerpt: 'bob was here', deleted: false });
    expect(reply.mentions?.sort()).toEqual([bob!.user.id, carol!.user.id].sort());
    expect(fresh.topic).toBe('what bob missed');
    expect([fresh.readOnly, fresh.slowModeSeconds]).toEqual([false, 30]);
    expect(fresh.mutedUntil).toBe((muted.body as { until: string }).until);
    expect(byId.get(moderated.message.id)).toMatchObject({ text: '' });
    await Promise.all([a.close(), b.close(), c.close(), other.close()]);
  });
});
