import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ServerFrame } from '../../../protocol/index.js';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { GENEROUS_ROOM_LIMITS, restAs, roomName } from '../helpers/conversations.js';
import { login, newUser, type Session } from '../helpers/http.js';
import type { ServerProcess } from '../helpers/process.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Moderation on three nodes (PostgreSQL + Redis). A mute, a kick and a ban asked of node A hold for
 * the target's sockets on node C within 1 s — timed from the HTTP answer on A to the MUTED refusal or
 * the `left` frame on C — while an honest pair on A and B chats through all of it and loses nothing.
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

async function socket(node: ServerProcess, session: Session): Promise<TestClient> {
  const client = await connect(wsUrlOf(node), session);
  open.push(client);
  return client;
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

/** The refusal or ack of one send. */
async function sendAndHear(client: TestClient, room: string, text: string): Promise<ServerFrame> {
  const clientMsgId = globalThis.crypto.randomUUID();
  client.send({ type: 'send', room, text, clientMsgId });
  const find = () =>
    client.frames.find(
      (f) => (f.type === 'error' && f.ref === clientMsgId) || (f.type === 'ack' && f.clientMsgId === clientMsgId),
    );
  await waitUntil(() => find() !== undefined, 'an answer to a send', { everyMs: 1 });
  return find()!;
}

describe('moderation on a cluster of three nodes', () => {
  it('mute, kick and ban through node A hold on node C within 1 s while an honest pair chats through them', async () => {
    const owner = await newUser(a.url, 'owner');
    const mod = await newUser(a.url, 'mod');
    const target = await newUser(c.url, 'target');
    const alice = await newUser(a.url, 'alice');
    const bob = await newUser(b.url, 'bob');
    const room = roomName('clmod');
    await restAs(b.url, owner).createRoom(room, 'public');
    const moderator = restAs(a.url, mod);
    for (const p of [mod, target, alice, bob])
      expect((await restAs(c.url, p).post(`/rooms/${room}/join`)).status).toBe(200);
    expect(
      (await restAs(b.url, owner).patch(`/rooms/${room}/members/${mod.user.username}`, { role: 'moderator' })).status,
    ).toBe(200);

    const onC = [await socket(c, target), await socket(c, await login(c.url, target.user.username))];
    const onB = await socket(b, target);
    const aliceSocket = await socket(a, alice);
    const bobSocket = await socket(b, bob);
    for (const s of [...onC, onB, aliceSocket, bobSocket]) await s.join(room);

    const pair = [chatter(aliceSocket, room, 'alice'), chatter(bobSocket, room, 'bob')];
    await waitUntil(() => pair.every((p) => p.acked.length >= 5), 'the pair is chatting');
    const username = target.user.username;
    const timings: string[] = [];

    // Mute: the very next send on C after A answered is refused, with until and reason.
    const muted = await moderator.post<{ until: string }>(`/rooms/${room}/mutes`, {
      username,
      durationSeconds: 600,
      reason: 'cluster calm',
    });
    const mutedAt = performance.now();
    expect(muted.status).toBe(200);
    const refusal = await sendAndHear(onC[0]!, room, 'muted on C');
    const muteDelay = performance.now() - mutedAt;
    expect(refusal).toMatchObject({ type: 'error', code: 'MUTED', until: muted.body.until, reason: 'cluster calm' });
    expect(muteDelay).toBeLessThan(1000);
    timings.push(`MUTED on C ${muteDelay.toFixed(1)} ms`);
    expect((await restAs(c.url, target).room(room))?.mutedUntil).toBe(muted.body.until);
    expect((await moderator.delete(`/rooms/${room}/mutes/${username}`)).status).toBe(204);
    expect((await sendAndHear(onC[0]!, room, 'free on C')).type).toBe('ack');

    // Kick: every socket of the target, on C and on B, hears `left {kicked}` within 1 s.
    const kicked = await moderator.post(`/rooms/${room}/kicks`, { username, reason: 'cluster kick' });
    const kickedAt = performance.now();
    expect(kicked.status).toBe(204);
    const kickDelays = await Promise.all(
      [...onC, onB].map(async (s) => {
        const left = await s.next('left', (f) => f.room === room);
        expect(left).toEqual({ type: 'left', room, reason: 'kicked', detail: 'cluster kick' });
        return performance.now() - kickedAt;
      }),
    );
    for (const delay of kickDelays) expect(delay).toBeLessThan(1000);
    timings.push(`left {kicked} on C, C, B ${kickDelays.map((d) => d.toFixed(1)).join(', ')} ms`);

    // Back in (a kick is not a ban), then banned: left {banned} within 1 s, and no way back.
    for (const s of [...onC, onB]) await s.join(room);
    const banned = await moderator.post(`/rooms/${room}/bans`, { username, reason: 'cluster ban' });
    const bannedAt = performance.now();
    expect(banned.status).toBe(200);
    const banDelays = await Promise.all(
      [...onC, onB].map(async (s) => {
        const left = await s.next('left', (f) => f.room === room);
        expect(left).toEqual({ type: 'left', room, reason: 'banned', detail: 'cluster ban' });
        return performance.now() - bannedAt;
      }),
    );
    for (const delay of banDelays) expect(delay).toBeLessThan(1000);
    timings.push(`left {banned} on C, C, B ${banDelays.map((d) => d.toFixed(1)).join(', ')} ms`);
    console.log(`cluster moderation through node A: ${timings.join('; ')}`);
    onC[0]!.send({ type: 'join', room });
    expect(await onC[0]!.next('error', (f) => f.ref === 'join')).toMatchObject({ code: 'BANNED_FROM_ROOM' });

    // The pair goes on well past the ban, then stops; a barrier in `general` proves nothing leaked after.
    const ackedBefore = pair.map((p) => p.acked.length);
    await waitUntil(() => pair.every((p, i) => p.acked.length >= ackedBefore[i]! + 10), 'the pair sends 10 more each');
    await Promise.all(pair.map((p) => p.stop()));
    for (const s of [...onC, onB]) await s.join('general');
    await aliceSocket.join('general');
    const barrier = (await aliceSocket.sendText(`done ${room}`)).message.id;
    for (const s of [...onC, onB]) {
      await waitUntil(
        () => s.frames.some((f) => f.type === 'message' && f.message.id === barrier),
        'the barrier reaches the target',
      );
      // After the ban's `left` (the last one: the kick's came before the target joined again).
      const last = s.frames.findLastIndex((f) => f.type === 'left' && f.room === room);
      const leaked = s.frames
        .slice(last + 1)
        .filter((f) => (f.type === 'message' || f.type === 'event') && JSON.stringify(f).includes(`"room":"${room}"`));
      expect(leaked).toEqual([]);
    }

    // Every acked message of each of the pair reached the other, once and in seq order.
    const [aliceAcked, bobAcked] = pair.map((p) => p.acked) as [Message[], Message[]];
    for (const [receiver, from, author] of [
      [aliceSocket, bobAcked, bob.user.id],
      [bobSocket, aliceAcked, alice.user.id],
    ] as const) {
      const fromAuthor = () =>
        receiver
          .framesOf('message')
          .filter((f) => f.message.room === room && f.message.user.id === author)
          .map((f) => f.message);
      await waitUntil(() => fromAuthor().length >= from.length, 'every acked message reaches the other of the pair');
      const got = fromAuthor();
      expect(got.map((m) => m.id)).toEqual(from.map((m) => m.id));
    }
    // The stream has no hole: messages and moderation events fill every seq from the first to the last.
    const seqs = [
      ...aliceSocket.framesOf('message').flatMap((f) => (f.message.room === room ? [f.message.seq] : [])),
      ...aliceSocket.framesOf('ack').flatMap((f) => (f.message.room === room ? [f.message.seq] : [])),
      ...aliceSocket.framesOf('event').flatMap((f) => (f.event.room === room ? [f.event.seq] : [])),
    ].sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  }, 180_000);
});
