import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Three server processes on one PostgreSQL database and one Redis: many nodes, one chat.
 */
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster(3, { RATE_LIMIT_MESSAGES_PER_SECOND: '1', RATE_LIMIT_MESSAGES_BURST: '9' });
  // The first node starts alone (it migrates), then two together: two process start-ups in a row.
}, 240_000);
afterAll(async () => {
  await cluster?.stop();
});

const person = (nodeIndex: number, prefix: string): Promise<Session> => newUser(cluster.nodes[nodeIndex]!.url, prefix);

describe('a cluster of three nodes', () => {
  it('delivers every message once to every client, whatever node each sits on, in one seq order', async () => {
    const clients: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      const node = i % 3;
      const session = await person(node, `c${i}`);
      const client = await connect(wsUrlOf(cluster.nodes[node]!), session);
      await client.join();
      clients.push(client);
    }
    const acked: Message[] = [];
    const sends: Promise<void>[] = clients.map(async (client, i) => {
      for (let n = 0; n < 8; n++) acked.push((await client.sendText(`from ${i} #${n}`)).message);
    });
    await Promise.all(sends);
    expect(acked).toHaveLength(48);
    const expected = [...acked].sort((a, b) => a.seq - b.seq);
    expect(expected.map((m) => m.seq)).toEqual(Array.from({ length: 48 }, (_, i) => expected[0]!.seq + i));

    await waitUntil(
      () => clients.every((c) => c.framesOf('message').length >= 40),
      'every client has 40 live messages',
    );
    console.log(
      `cluster: live messages per client ${JSON.stringify(clients.map((c) => c.framesOf('message').length))}`,
    );
    for (const [i, client] of clients.entries()) {
      const own = acked.filter((m) => m.text.startsWith(`from ${i} `));
      const others = expected.filter((m) => !own.includes(m));
      const received = client.framesOf('message').map((f) => f.message);
      expect(received.length, `client ${i}`).toBe(others.length);
      // Live messages arrive in seq order, though they were stored on three nodes (RoomOrder).
      const arrival = received.map((m) => m.seq);
      expect(arrival, `client ${i} arrival order`).toEqual([...arrival].sort((a, b) => a - b));
      const holds = [...received, ...own].sort((a, b) => a.seq - b.seq);
      expect(holds).toEqual(expected);
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  it('closes a session`s socket on node C within 1 s when it is revoked through node A', async () => {
    const [a, , c] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const session = await person(0, 'revoked');
    const socket = await connect(wsUrlOf(c), session);
    const logout = await request(`${a.url}/api/v1/auth/logout`, {
      body: {},
      token: session.accessToken,
      cookie: session.cookie,
    });
    const started = Date.now();
    expect(logout.status).toBe(204);
    expect((await socket.closed).code).toBe(4401);
    const elapsed = Date.now() - started;
    console.log(`cluster: revoked on node A, socket on node C closed after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    const me = await request(`${c.url}/api/v1/me`, { token: session.accessToken, cookie: session.cookie });
    expect(me.status).toBe(401);
  });

  it('holds the message rate limit for a user whose sockets sit on two nodes', async () => {
    const session = await person(0, 'limited');
    const one = await connect(wsUrlOf(cluster.nodes[0]!), session);
    const two = await connect(wsUrlOf(cluster.nodes[1]!), session);
    await one.join();
    await two.join();
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = i % 2 === 0 ? one : two;
        const id = `limit-${i}`;
        client.send({ type: 'send', room: 'general', text: `burst ${i}`, clientMsgId: id });
        return Promise.race([
          client.next('ack', (f) => f.clientMsgId === id),
          client.next('error', (f) => f.ref === id),
        ]);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const acks = outcomes.filter((o) => o.type === 'ack').length;
    // 1 per second steady + 9 burst = 10 at once, shared through Redis by both nodes, plus the one
    // per second that refilled while the 20 were answered (under a second idle, longer when busy).
    expect(acks).toBeGreaterThanOrEqual(10);
    expect(acks).toBeLessThanOrEqual(10 + Math.ceil(seconds));
    expect(acks).toBeLessThan(20);
    expect(
      outcomes.filter((o) => o.type === 'error').every((o) => o.type === 'error' && o.code === 'RATE_LIMITED'),
    ).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });
});
