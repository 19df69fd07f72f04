import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ServerFrame } from '../../../protocol/index.js';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { GENEROUS_ROOM_LIMITS, restAs, roomFramesAfterLeft, roomName } from '../helpers/conversations.js';
import { newUser, type Session } from '../helpers/http.js';
import type { ServerProcess } from '../helpers/process.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Conversations on three nodes (PostgreSQL + Redis): a removal on one node takes the member's sockets
 * on the others out of the room at once — timed from the DELETE's answer while two other members chat
 * through it and lose nothing (room-removal.test.ts checks what the removed member may still do) —
 * and every room event and read marker crosses the bus.
 */
let cluster: Cluster;
let a: ServerProcess;
let b: ServerProcess;
let c: ServerProcess;
const open: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(3, GENEROUS_ROOM_LIMITS);
  [a, b, c] = cluster.nodes as [ServerProcess, ServerProcess, ServerProcess];
}, 240_000);
afterAll(async () => {
  await Promise.all(open.map((client) => client.close()));
  await cluster?.stop();
});

const person = (node: ServerProcess, prefix: string): Promise<Session> => newUser(node.url, prefix);

async function socket(node: ServerProcess, session: Session): Promise<TestClient> {
  const client = await connect(wsUrlOf(node), session);
  open.push(client);
  return client;
}

/** The room's frames that carry its content: messages and other events. */
function contentOf(frames: readonly ServerFrame[], room: string): ServerFrame[] {
  return frames.filter(
    (f) => (f.type === 'message' && f.message.room === room) || (f.type === 'event' && f.event.room === room),
  );
}

/** Sends one message after another until `stop()`, keeping what was acked. */
function chatter(client: TestClient, room: string, label: string) {
  const acked: Message[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 0; !stopped; n++) acked.push((await client.sendText(`${label} #${n}`, room)).message);
  })();
  return {
    acked,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('conversations on a cluster of three nodes', () => {
  it(
    'a member removed through node A hears `left` on nodes B and C within 1 s and nothing of the room after, ' +
      'while an honest pair chatting through the removal loses nothing',
    async () => {
      const owner = await person(a, 'owner');
      const member = await person(c, 'member');
      const alice = await person(a, 'alice');
      const bob = await person(b, 'bob');
      const room = roomName('priv');
      // Any node serves the room routes: created through B, invitations through C.
      await restAs(b.url, owner).createRoom(room, 'private');
      for (const invitee of [member, alice, bob]) await restAs(c.url, owner).invite(room, invitee.user.username);

      const memberSockets = [await socket(c, member), await socket(c, member), await socket(b, member)];
      const aliceSocket = await socket(a, alice);
      const bobSocket = await socket(b, bob);
      for (const client of [...memberSockets, aliceSocket, bobSocket]) {
        await client.join(room);
        // `general` carries the barrier at the end: the member stays in it.
        await client.join('general');
      }

      const pair = [chatter(aliceSocket, room, 'alice'), chatter(bobSocket, room, 'bob')];
      // The removal lands mid-conversation: every member socket is receiving the pair's messages.
      await waitUntil(
        () => memberSockets.every((s) => contentOf(s.frames, room).length >= 10),
        'the member hears the pair',
      );

      const removal = await restAs(a.url, owner).delete(`/rooms/${room}/members/${member.user.username}`);
      const answeredAt = performance.now();
      expect(removal.status).toBe(204);
      const delays = await Promise.all(
        memberSockets.map(async (s) => {
          const left = await s.next('left', (f) => f.room === room);
          expect(left.reason).toBe('removed');
          return performance.now() - answeredAt;
        }),
      );
      console.log(
        `cluster: removed through node A; left on C, C, B after ${delays.map((d) => d.toFixed(1)).join(', ')} ms`,
      );
      for (const delay of delays) expect(delay).toBeLessThan(1000);

      // The pair keeps going well past the removal, then stops.
      const ackedBefore = pair.map((p) => p.acked.length);
      await waitUntil(
        () => pair.every((p, i) => p.acked.length >= ackedBefore[i]! + 20),
        'the pair sends 20 more each',
      );
      await Promise.all(pair.map((p) => p.stop()));

      // Barrier: each of the pair says one more thing in `general` after its last word in the room.
      // Each node publishes in order, so a leaked frame of the room would reach the member's sockets
      // before these do.
      const barriers = [
        (await aliceSocket.sendText(`alice done ${room}`)).message.id,
        (await bobSocket.sendText(`bob done ${room}`)).message.id,
      ];
      const hasMessage = (s: TestClient, id: string) =>
        s.frames.some((f) => f.type === 'message' && f.message.id === id);
      for (const s of memberSockets) {
        await waitUntil(() => barriers.every((id) => hasMessage(s, id)), 'both barriers reach the member');
        expect(roomFramesAfterLeft(s, room)).toEqual([]);
      }

      // Every acked message of each of the pair reached the other, once and in seq order.
      const [aliceAcked, bobAcked] = pair.map((p) => p.acked) as [Message[], Message[]];
      for (const [receiver, from] of [
        [aliceSocket, bobAcked],
        [bobSocket, aliceAcked],
      ] as const) {
        await waitUntil(
          () => receiver.framesOf('message').filter((f) => f.message.room === room).length >= from.length,
          'every acked message reaches the other of the pair',
        );
        const got = receiver
          .framesOf('message')
          .filter((f) => f.message.room === room)
          .map((f) => f.message);
        expect(got.map((m) => m.id)).toEqual(from.map((m) => m.id));
        expect(got.map((m) => m.seq)).toEqual([...got.map((m) => m.seq)].sort((x, y) => x - y));
      }
      // The room's stream has no hole: the pair's messages and the removal fill every seq.
      const seqs = [
        ...aliceAcked.map((m) => m.seq),
        ...bobAcked.map((m) => m.seq),
        ...aliceSocket.framesOf('event').flatMap((f) => (f.event.room === room ? [f.event.seq] : [])),
      ].sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));

      // Their next read of the room is refused as for a room that does not exist.
      const read = await restAs(c.url, member).get<{ error: { code: string } }>(`/rooms/${room}`);
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe('ROOM_NOT_FOUND');
      memberSockets[0]!.send({ type: 'join', room });
      expect((await memberSockets[0]!.next('error', (f) => f.ref === 'join')).code).toBe('ROOM_NOT_FOUND');
    },
    120_000,
  );

  it('carries member_join, edit and reaction events from one node to sockets on the others', async () => {
    const owner = await person(a, 'owner');
    const onB = await person(b, 'onb');
    const onC = await person(c, 'onc');
    const room = roomName('pub');
    await restAs(a.url, owner).createRoom(room, 'public');
    const ownerSocket = await socket(a, owner);
    const cSocket = await socket(c, onC);
    await ownerSocket.join(room);
    await cSocket.join(room);

    // A WS join of a public room on B makes a member: A and C hear it.
    const bSocket = await socket(b, onB);
    await bSocket.join(room);
    const isJoinOfB = (f: Extract<ServerFrame, { type: 'event' }>) =>
      f.event.kind === 'member_join' && f.event.room === room && f.event.user.id === onB.user.id;
    await ownerSocket.next('event', isJoinOfB);
    await cSocket.next('event', isJoinOfB);

    const { message } = await ownerSocket.sendText('helo', room);
    for (const s of [bSocket, cSocket]) await s.next('message', (f) => f.message.id === message.id);

    ownerSocket.send({ type: 'edit', room, messageId: message.id, text: 'hello' });
    for (const s of [bSocket, cSocket]) {
      const { event } = await s.next('event', (f) => f.event.kind === 'edit' && f.event.room === room);
      expect(event).toMatchObject({ kind: 'edit', messageId: message.id, text: 'hello', actor: { id: owner.user.id } });
      expect(event.seq).toBeGreaterThan(message.seq);
    }

    bSocket.send({ type: 'react', room, messageId: message.id, emoji: '👍' });
    for (const s of [ownerSocket, cSocket]) {
      const { event } = await s.next('event', (f) => f.event.kind === 'reaction_add' && f.event.room === room);
      expect(event).toMatchObject({ messageId: message.id, emoji: '👍', count: 1, actor: { id: onB.user.id } });
    }
  });

  it('moves a read marker set on node A to the same user`s socket on node C', async () => {
    const talker = await person(b, 'talker');
    const reader = await person(a, 'reader');
    const room = roomName('read');
    await restAs(b.url, talker).createRoom(room, 'public');
    const talkerSocket = await socket(b, talker);
    const onA = await socket(a, reader);
    const onC = await socket(c, reader);
    for (const s of [talkerSocket, onA, onC]) await s.join(room);
    const { message } = await talkerSocket.sendText('unread until read', room);
    await onA.next('message', (f) => f.message.id === message.id);

    onA.send({ type: 'read', room, seq: message.seq });
    const read = await onC.next('read', (f) => f.room === room);
    expect(read.seq).toBe(message.seq);
    expect(await restAs(c.url, reader).room(room)).toMatchObject({ lastReadSeq: message.seq, unread: 0 });
  });
});
