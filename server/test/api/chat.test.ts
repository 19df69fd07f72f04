import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

let server: TestServer;
let alice: Session;
let bob: Session;
beforeAll(async () => {
  server = await startServer();
  alice = await newUser(server.url, 'alice');
  bob = await newUser(server.url, 'bob');
});
afterAll(async () => {
  await server.close();
});

async function historyCount(session: Session): Promise<number> {
  const page = await request<{ messages: unknown[] }>(`${server.url}/api/v1/rooms/general/messages?limit=100`, {
    token: session.accessToken,
    cookie: session.cookie,
  });
  return page.body.messages.length;
}

describe('two clients chatting', () => {
  it('A sends, B receives the same id and seq, A gets its ack; a retry is not stored twice', async () => {
    const a = await connect(server.wsUrl, alice);
    const b = await connect(server.wsUrl, bob);
    await a.join();
    await b.join();
    const before = await historyCount(alice);

    const ack = await a.sendText('hello **bob**', 'general', 'client-msg-1');
    const received = await b.next('message', (frame) => frame.message.id === ack.message.id);
    expect(received.message).toEqual(ack.message);
    expect(ack.message).toMatchObject({
      room: 'general',
      text: 'hello **bob**',
      user: { id: alice.user.id, username: alice.user.username },
    });
    expect(ack.message.user.color).toBe(alice.user.color);

    const retry = await a.sendText('hello **bob** (retry)', 'general', 'client-msg-1');
    expect(retry.message).toEqual(ack.message);
    expect(await historyCount(alice)).toBe(before + 1);
    // B saw the message exactly once and A was not sent its own message back.
    await a.sendText('marker', 'general');
    await b.next('message', (frame) => frame.message.text === 'marker');
    expect(b.framesOf('message').filter((frame) => frame.message.id === ack.message.id)).toHaveLength(1);
    expect(a.framesOf('message').filter((frame) => frame.message.id === ack.message.id)).toHaveLength(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('identity comes from the session: a forged user field is refused', async () => {
    const a = await connect(server.wsUrl, alice);
    await a.join();
    const forged: Record<string, unknown> = { type: 'send', room: 'general', text: 'hi', clientMsgId: 'forge-1' };
    forged['user'] = { username: 'admin' };
    a.send(forged);
    const error = await a.next('error');
    expect(error).toMatchObject({ code: 'INVALID_FRAME', ref: 'forge-1' });
    await a.close();
  });

  it('a client that rejoins with `after` receives exactly the messages it missed, in order', async () => {
    const a = await connect(server.wsUrl, alice);
    let b: TestClient = await connect(server.wsUrl, bob);
    await a.join();
    const joined = await b.join();
    const lastSeen = Math.max(0, ...joined.messages.map((m) => m.seq));
    await b.close();

    const sent: Message[] = [];
    for (let i = 0; i < 5; i++) sent.push((await a.sendText(`missed ${i}`)).message);
    b = await connect(server.wsUrl, bob);
    const resumed = await b.join('general', lastSeen);
    expect(resumed.complete).toBe(true);
    expect(resumed.messages).toEqual(sent);

    // Live messages keep flowing after the replay, with no duplicate of the replayed ones.
    const live = await a.sendText('after resume');
    const liveFrame = await b.next('message', (frame) => frame.message.id === live.message.id);
    expect(liveFrame.message.seq).toBe(sent.at(-1)!.seq + 1);
    expect(b.framesOf('message').some((frame) => sent.some((m) => m.id === frame.message.id))).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('an `after` beyond the room`s last seq says the replay is incomplete', async () => {
    const b = await connect(server.wsUrl, bob);
    const joined = await b.join('general', 10_000_000);
    expect(joined.complete).toBe(false);
    expect(joined.messages.length).toBeGreaterThan(0);
    await b.close();
  });

  it('messages sent while a join is being answered are neither lost nor doubled', async () => {
    const a = await connect(server.wsUrl, alice);
    await a.join();
    const b = await connect(server.wsUrl, bob);
    const sends = Array.from({ length: 20 }, (_, i) => a.sendText(`burst ${i}`));
    const joined = await b.join();
    const acks = await Promise.all(sends);
    const ids = new Set(acks.map((ack) => ack.message.id));
    await a.sendText('end of burst');
    await b.next('message', (frame) => frame.message.text === 'end of burst');
    const seen = [...joined.messages.map((m) => m.id), ...b.framesOf('message').map((f) => f.message.id)].filter((id) =>
      ids.has(id),
    );
    expect(seen.sort()).toEqual([...ids].sort());
    const seqs = [...joined.messages, ...b.framesOf('message').map((f) => f.message)].map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    await Promise.all([a.close(), b.close()]);
  });

  it('presence: B sees A join and leave; the joined frame lists who is online', async () => {
    const b = await connect(server.wsUrl, bob);
    await b.join();
    const a = await connect(server.wsUrl, alice);
    const joined = await a.join();
    expect(joined.online.map((u) => u.username).sort()).toEqual([alice.user.username, bob.user.username].sort());
    expect(joined.onlineCount).toBe(2);
    await b.next('presence', (frame) => frame.joined.some((u) => u.id === alice.user.id));
    await a.close();
    await b.next('presence', (frame) => frame.left.some((u) => u.id === alice.user.id));
    await b.close();
  });

  it('typing reaches the others, never the typist', async () => {
    const a = await connect(server.wsUrl, alice);
    const b = await connect(server.wsUrl, bob);
    await a.join();
    await b.join();
    a.send({ type: 'typing', room: 'general' });
    const typing = await b.next('typing');
    expect(typing.user.id).toBe(alice.user.id);
    a.send({ type: 'ping' });
    await a.next('pong');
    expect(a.framesOf('typing')).toHaveLength(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('history over the socket pages backwards by seq', async () => {
    const a = await connect(server.wsUrl, alice);
    const joined = await a.join();
    const newest = joined.messages.at(-1)!.seq;
    a.send({ type: 'history', room: 'general', before: newest, limit: 3 });
    const page = await a.next('history');
    expect(page.messages.map((m) => m.seq)).toEqual([newest - 3, newest - 2, newest - 1]);
    expect(page.hasMore).toBe(true);
    await a.close();
  });
});

describe('bad frames get clear errors and lose nothing', () => {
  it('answers each bad frame with a stable code and keeps the socket usable', async () => {
    const a = await connect(server.wsUrl, alice);
    a.send({ type: 'send', room: 'general', text: 'not joined yet', clientMsgId: 'early' });
    expect(await a.next('error')).toMatchObject({ code: 'NOT_IN_ROOM', ref: 'early' });
    await a.join();
    a.sendRaw('{not json');
    expect((await a.next('error')).code).toBe('INVALID_FRAME');
    a.sendRaw(Buffer.from([1, 2, 3]), true);
    expect((await a.next('error')).code).toBe('INVALID_FRAME');
    a.send({ type: 'launch-missiles' });
    expect((await a.next('error')).code).toBe('INVALID_FRAME');
    a.send({ type: 'join', room: 'does-not-exist' });
    expect((await a.next('error')).code).toBe('ROOM_NOT_FOUND');
    a.send({ type: 'send', room: 'general', text: '   \n\t ', clientMsgId: 'blank' });
    expect(await a.next('error')).toMatchObject({ code: 'MESSAGE_EMPTY', ref: 'blank' });
    a.send({ type: 'send', room: 'general', text: 'x'.repeat(4001), clientMsgId: 'long' });
    expect(await a.next('error')).toMatchObject({ code: 'MESSAGE_TOO_LONG', ref: 'long' });
    a.sendRaw('{"type":"ping","__proto__":{"polluted":true}}');
    expect((await a.next('error')).code).toBe('INVALID_FRAME');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const ok = await a.sendText('x'.repeat(4000));
    expect(ok.message.text).toHaveLength(4000);
    await a.close();
  });

  it('closes with 1009 on an oversize frame and 1008 after a run of garbage', async () => {
    const a = await connect(server.wsUrl, alice);
    a.sendRaw('x'.repeat(server.config.wsMaxPayload + 1));
    expect((await a.closed).code).toBe(1009);
    const b = await connect(server.wsUrl, alice);
    for (let i = 0; i < 10; i++) b.sendRaw('garbage');
    expect((await b.closed).code).toBe(1008);
  });
});
