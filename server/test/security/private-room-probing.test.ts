import { beforeAll, describe, expect, it } from 'vitest';
import { Limits, type ErrorFrameT, type Message, type ServerFrame } from '../../../protocol/index.js';
import { corpusIt, corpusJson } from '../helpers/corpora.js';
import { restAs, roomName, serverForSuite, STORE_KINDS, type Rest } from '../helpers/conversations.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * A private room is invisible to whoever is not in it: every path a non-member can try answers
 * byte for byte as for a room that does not exist, while its members go on chatting undisturbed.
 * Hostile bodies get a documented 400, never a 500, and never leave an event behind.
 */
/** The Big List of Naughty Strings (../shared/corpora; its test skips without it, except under CI). */
function naughtyStrings(): string[] {
  return corpusJson<string[]>('naughty/blns.json').filter((s) => s.length > 0);
}

describe.each(STORE_KINDS)('probing a private room on %s', (kind) => {
  const env = serverForSuite(kind);
  let alice: Session;
  let bob: Session;
  let mallory: Session;
  let owner: Rest;
  let secret: string;
  let ghost: string;
  let secretMessage: Message;

  beforeAll(async () => {
    alice = await newUser(env.server.url, 'alice');
    bob = await newUser(env.server.url, 'bob');
    mallory = await newUser(env.server.url, 'mallory');
    owner = restAs(env.server.url, alice);
    secret = roomName('secret');
    ghost = roomName('ghost');
    await owner.createRoom(secret, 'private', 'not for you');
    await owner.invite(secret, bob.user.username);
    const socket = await connect(env.server.wsUrl, alice);
    await socket.join(secret);
    secretMessage = (await socket.sendText('the first secret', secret)).message;
    await socket.close();
  }, 90_000);

  /** Every HTTP path a non-member could try on a room, as [label, call]. */
  function httpProbes(rest: Rest, room: string): [string, () => Promise<{ status: number; body: unknown }>][] {
    return [
      ['GET room', () => rest.get(`/rooms/${room}`)],
      ['GET messages', () => rest.get(`/rooms/${room}/messages?limit=10`)],
      ['GET members', () => rest.get(`/rooms/${room}/members`)],
      ['PATCH room', () => rest.patch(`/rooms/${room}`, { topic: 'mine' })],
      ['PATCH visibility', () => rest.patch(`/rooms/${room}`, { visibility: 'public' })],
      ['POST members', () => rest.post(`/rooms/${room}/members`, { username: mallory.user.username })],
      ['DELETE member', () => rest.delete(`/rooms/${room}/members/${alice.user.username}`)],
      ['DELETE myself', () => rest.delete(`/rooms/${room}/members/${mallory.user.username}`)],
      ['POST join', () => rest.post(`/rooms/${room}/join`)],
      ['POST leave', () => rest.post(`/rooms/${room}/leave`)],
      ['POST read', () => rest.post(`/rooms/${room}/read`, { seq: 1 })],
    ];
  }

  /** Every socket frame a non-member could try on a room; `send` comes after a join attempt. */
  function wsProbes(room: string): Record<string, unknown>[] {
    return [
      { type: 'join', room },
      { type: 'join', room, after: 0 },
      { type: 'send', room, text: 'let me in', clientMsgId: `probe-${room}` },
      { type: 'history', room, before: 1_000_000, limit: 10 },
      { type: 'edit', room, messageId: secretMessage.id, text: 'defaced' },
      { type: 'delete', room, messageId: secretMessage.id },
      { type: 'react', room, messageId: secretMessage.id, emoji: '💩' },
      { type: 'react', room, messageId: secretMessage.id, emoji: '💩', remove: true },
      { type: 'read', room, seq: 1 },
      { type: 'typing', room },
    ];
  }

  /** The error frames a socket gets for the probes, in order (each waited for: one answer a frame). */
  async function wsAnswers(socket: TestClient, room: string): Promise<Omit<ErrorFrameT, 'ref'>[]> {
    const answers: Omit<ErrorFrameT, 'ref'>[] = [];
    for (const probe of wsProbes(room)) {
      const seen = socket.framesOf('error').length;
      socket.send(probe);
      // typing may be dropped silently; a ping after it proves the answer (if any) came first.
      socket.send({ type: 'ping' });
      await socket.next('pong');
      const errors = socket.framesOf('error').slice(seen);
      expect(errors.length).toBeLessThanOrEqual(1);
      // `ref` names the frame (its type, or the clientMsgId) and `room` echoes the name the client sent:
      // both differ by construction, so they are checked here and left out of the comparison.
      for (const error of errors) expect(error.room).toBe(room);
      answers.push(
        ...errors.map(
          ({ ref: _ref, room: _room, ...rest }) => ({ ...rest, probe: probe['type'] }) as Omit<ErrorFrameT, 'ref'>,
        ),
      );
    }
    return answers;
  }

  it('every HTTP and WS path answers a non-member exactly as for a missing room, while the members chat on', async () => {
    const before = (await owner.room(secret))!.lastSeq;
    const a = await connect(env.server.wsUrl, alice);
    const b = await connect(env.server.wsUrl, bob);
    await a.join(secret);
    await b.join(secret);

    // The honest pair: each sends, each must receive every message of the other, none lost.
    const rounds = 30;
    const honest = (async () => {
      for (let i = 0; i < rounds; i++) {
        await a.sendText(`alice ${i}`, secret);
        await b.sendText(`bob ${i}`, secret);
      }
    })();

    // A hostile client on its own socket: garbage, forged ids, replies that point into the room.
    const hostileSession = await newUser(env.server.url, 'hostile');
    const hostile = await connect(env.server.wsUrl, hostileSession);
    const hostileRest = restAs(env.server.url, hostileSession);
    const lobby = roomName('lobby');
    await hostileRest.createRoom(lobby);
    await hostile.join(lobby);
    const crafted = (async () => {
      for (let i = 0; i < 20; i++) {
        hostile.sendRaw(JSON.stringify({ type: 'join', room: secret, after: -1 }));
        hostile.sendRaw(`{"type":"join","room":"${secret}","__proto__":{"admin":true}}`);
        hostile.send({
          type: 'send',
          room: lobby,
          text: 'quoting you',
          clientMsgId: `q-${i}`,
          replyTo: secretMessage.id,
        });
        hostile.send({ type: 'react', room: lobby, messageId: secretMessage.id, emoji: '👍' });
        hostile.send({ type: 'edit', room: lobby, messageId: secretMessage.id, text: 'moved?' });
        hostile.send({ type: 'read', room: secret, seq: Number.MAX_SAFE_INTEGER });
        hostile.sendRaw(Buffer.from([0xff, 0xfe, 0x00]), true);
        await hostileRest.get(`/rooms/${secret}/messages?before=99999999999&limit=100`);
        await hostileRest.post('/dms', { usernames: [alice.user.username, bob.user.username] });
      }
    })();

    // Mallory compares the private room with one that does not exist, path by path.
    const rest = restAs(env.server.url, mallory);
    const probing = (async () => {
      for (const [[label, onSecret], [, onGhost]] of httpProbes(rest, secret).map(
        (p, i) => [p, httpProbes(rest, ghost)[i]!] as const,
      )) {
        const [x, y] = [await onSecret(), await onGhost()];
        expect({ label, status: x.status, body: x.body }).toEqual({ label, status: y.status, body: y.body });
        expect(x.status).toBe(404);
        expect(x.body).toEqual({ error: { code: 'ROOM_NOT_FOUND', message: expect.any(String) } });
      }
      const m = await connect(env.server.wsUrl, mallory);
      const onSecret = await wsAnswers(m, secret);
      const onGhost = await wsAnswers(m, ghost);
      expect(onSecret).toEqual(onGhost);
      expect(onSecret.map((e) => e.code)).toEqual(expect.arrayContaining(['ROOM_NOT_FOUND']));
      expect(onSecret.map((e) => e.code).every((code) => code === 'ROOM_NOT_FOUND' || code === 'NOT_IN_ROOM')).toBe(
        true,
      );
      // Nothing but the answers to its own frames ever names the room.
      expect(m.frames.some((f) => f.type !== 'error' && 'room' in f && f.room === secret)).toBe(false);
      await m.close();
      expect((await rest.rooms()).some((r) => r.name === secret)).toBe(false);
    })();

    await Promise.all([honest, crafted, probing]);
    const textsAt = (client: TestClient, who: string) =>
      client
        .framesOf('message')
        .filter((f) => f.message.room === secret && f.message.user.id === who)
        .map((f) => f.message.text);
    // Wait on the recorded frames (the client's cursor moves past frames of other types).
    await waitUntil(
      () => textsAt(b, alice.user.id).length >= rounds && textsAt(a, bob.user.id).length >= rounds,
      'every honest message delivered',
      {
        ceilingMs: 30_000,
      },
    );
    expect(textsAt(b, alice.user.id)).toEqual(Array.from({ length: rounds }, (_, i) => `alice ${i}`));
    expect(textsAt(a, bob.user.id)).toEqual(Array.from({ length: rounds }, (_, i) => `bob ${i}`));

    // Nothing the others did reached the room: its seqs are the pair's messages, nothing else.
    const after = (await owner.room(secret))!;
    expect(after.lastSeq).toBe(before + 2 * rounds);
    expect(after).toMatchObject({ topic: 'not for you', visibility: 'private', memberCount: 2 });
    const history = await owner.get<{ messages: Message[] }>(`/rooms/${secret}/messages?limit=100`);
    const first = history.body.messages.find((m) => m.id === secretMessage.id);
    expect(first).toMatchObject({ text: 'the first secret' });
    expect(first?.reactions).toBeUndefined();
    // The hostile replies were refused: no quote of the secret anywhere.
    const lobbyHistory = await hostileRest.get<{ messages: Message[] }>(`/rooms/${lobby}/messages?limit=100`);
    expect(JSON.stringify(lobbyHistory.body)).not.toContain('the first secret');
    expect(hostile.frames.some((f: ServerFrame) => JSON.stringify(f).includes('the first secret'))).toBe(false);
    const dump = await env.raw.dump();
    for (const word of ['let me in', 'defaced', 'moved?', 'quoting you']) expect(dump).not.toContain(word);
    await Promise.all([a.close(), b.close(), hostile.close()]);
  });

  describe('hostile bodies', () => {
    async function expect400(
      call: () => Promise<{ status: number; body: unknown }>,
      codes: readonly string[] = ['VALIDATION_FAILED', 'BAD_REQUEST'],
    ): Promise<void> {
      const answer = await call();
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(codes).toContain((answer.body as { error: { code: string } }).error.code);
    }

    it('room creation and changes refuse wrong types, extra keys, huge or control-laden topics, and write nothing', async () => {
      const rest = restAs(env.server.url, alice);
      const mine = roomName('mine');
      await rest.createRoom(mine);
      const seq = (await rest.room(mine))!.lastSeq;
      const listed = (await rest.rooms()).length;
      for (const body of [
        { name: 123 },
        { name: ['general'] },
        { name: null },
        {},
        { name: roomName('x'), extra: true },
        { name: roomName('x'), visibility: 'secret' },
        { name: roomName('x'), visibility: 1 },
        { name: roomName('x'), topic: 'x'.repeat(Limits.ROOM_TOPIC_MAX_CHARS + 1) },
        { name: roomName('x'), topic: 'x'.repeat(1_000_000) },
        { name: roomName('x'), topic: 'bell\u0007' },
        { name: roomName('x'), topic: 'two\nlines' },
        { name: roomName('x'), topic: 'nul\u0000' },
        { name: roomName('x'), topic: 'lone \ud800' },
        { name: roomName('x'), topic: { $ne: null } },
        { name: 'Upper' },
        { name: '../etc/passwd' },
        { name: 'x'.repeat(33) },
        { name: 'dm-0123456789abcdef0123456789ab' },
      ]) {
        const answer = await rest.post<{ error: { code: string } }>('/rooms', body);
        const what = JSON.stringify(body).slice(0, 100);
        expect([400, 413], what).toContain(answer.status);
        expect(['VALIDATION_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE'], what).toContain(answer.body.error.code);
      }
      for (const body of [
        {},
        { topic: 5 },
        { topic: 'x'.repeat(Limits.ROOM_TOPIC_MAX_CHARS + 1) },
        { topic: 'a\u0000b' },
        { topic: 'tab\there' },
        { visibility: 'hidden' },
        { visibility: 'public', owner: mallory.user.id },
        [],
        'topic',
      ]) {
        await expect400(() => rest.patch(`/rooms/${mine}`, body));
      }
      for (const body of [{ seq: -1 }, { seq: 'a' }, { seq: 1e20 }, { seq: 1.5 }, {}, { seq: 1, room: 'other' }]) {
        await expect400(() => rest.post(`/rooms/${mine}/read`, body));
      }
      for (const body of [
        { username: 5 },
        { usernames: [] },
        { usernames: Array.from({ length: 8 }, (_, i) => `u${i}_x`) },
        { username: 'a', usernames: ['b'] },
      ]) {
        await expect400(() => rest.post('/dms', body));
      }
      const raw = await request(`${env.server.url}/api/v1/rooms`, {
        method: 'POST',
        body: '{"name":',
        token: alice.accessToken,
        cookie: alice.cookie,
      });
      expect(raw.status).toBe(400);
      expect((await rest.room(mine))!.lastSeq).toBe(seq);
      expect((await rest.rooms()).length).toBe(listed);
    });

    corpusIt(
      'names from the naughty-strings corpus as room names and usernames: a 4xx, never a 500, never an event',
      async () => {
        const rest = restAs(env.server.url, alice);
        const mine = roomName('naughty');
        await rest.createRoom(mine, 'private');
        const seq = (await rest.room(mine))!.lastSeq;
        const statuses = new Map<number, number>();
        const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
        for (const payload of naughtyStrings()) {
          const created = await rest.post<{ error?: { code: string } }>('/rooms', { name: payload });
          count(created.status);
          if (created.status !== 201)
            expect(['VALIDATION_FAILED', 'ROOM_NAME_TAKEN']).toContain(created.body.error?.code);
          const invited = await rest.post<{ error?: { code: string } }>(`/rooms/${mine}/members`, {
            username: payload,
          });
          count(invited.status);
          expect([400, 404], payload).toContain(invited.status);
          const dm = await rest.post('/dms', { username: payload });
          count(dm.status);
          expect([400, 404], payload).toContain(dm.status);
          const removed = await rest.delete(`/rooms/${mine}/members/${encodeURIComponent(payload)}`);
          count(removed.status);
          // A path parameter past Fastify's maxParamLength is 414 before any route runs.
          expect([204, 400, 404, 414], payload).toContain(removed.status);
          // `.` and `..` are path segments the URL resolves before it leaves (`/rooms/.` is `/rooms`).
          if (payload !== '.' && payload !== '..') {
            const path = await rest.get(`/rooms/${encodeURIComponent(payload)}`);
            count(path.status);
            // A corpus line that is a valid room name (`undefined`, `null`) was created just above.
            expect(created.status === 201 ? [200] : [400, 404, 414], payload).toContain(path.status);
          }
        }
        expect(statuses.has(500)).toBe(false);
        expect((await rest.room(mine))!.lastSeq).toBe(seq);
        expect((await rest.get<{ members: unknown[] }>(`/rooms/${mine}/members`)).body.members).toHaveLength(1);
      },
      300_000,
    );
  });
});
