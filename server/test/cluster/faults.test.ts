import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { startCluster, wsUrlOf, type Cluster } from '../helpers/cluster.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { POSTGRES_ADMIN_URL } from '../helpers/postgres.js';
import { REDIS_URL } from '../helpers/redis.js';
import { ResilientClient } from '../helpers/resilient-client.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * Faults on a real cluster: a node killed with SIGKILL, Redis taken away and given back, PostgreSQL
 * taken away and given back (through loopback proxies, so the machine's services stay up).
 * Each ends with: the union of acked messages is exactly what every client finally holds.
 */
/** Each test starts its own cluster (process start-ups in a row) before the fault itself. */
const FAULT_TEST_MS = 240_000;

let cluster: Cluster | undefined;
const proxies: FaultProxy[] = [];
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  for (const proxy of proxies.splice(0)) await proxy.stop();
});

const person = newUser;

function expectEveryoneHoldsTheUnion(clients: ResilientClient[]): Message[] {
  const union = new Map<string, Message>();
  for (const client of clients) for (const [id, message] of client.acked) union.set(id, message);
  const expected = [...union.values()].sort((a, b) => a.seq - b.seq);
  for (const client of clients) {
    const holds = client.sorted();
    expect(holds.map((m) => m.id)).toEqual(expected.map((m) => m.id));
  }
  return expected;
}

it(
  'kill -9 of a node while its clients send: they move to another node, resume, and lose nothing',
  async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.nodes as [
      NonNullable<Cluster['nodes'][0]>,
      NonNullable<Cluster['nodes'][0]>,
      NonNullable<Cluster['nodes'][0]>,
    ];
    const onC = [
      new ResilientClient(await person(c.url, 'onc'), wsUrlOf(c)),
      new ResilientClient(await person(c.url, 'onc'), wsUrlOf(c)),
    ];
    const onA = new ResilientClient(await person(a.url, 'ona'), wsUrlOf(a));
    const all = [...onC, onA];
    for (const client of all) await client.open();

    let killed = false;
    const senders = onC.map(async (client, i) => {
      for (let n = 0; n < 30; n++) {
        const ok = await client.send(`c${i} #${n}`, `c${i}-${n}`);
        if (!ok && killed) {
          await client.open(wsUrlOf(n % 2 === 0 ? a : b)); // reconnect elsewhere; pending sends go again
        }
      }
    });
    // Kill node C mid-traffic: once its clients have a third of their messages acked.
    await waitUntil(() => onC.every((client) => client.acked.size >= 10), 'a third acked on node C', { everyMs: 5 });
    await c.stop('SIGKILL');
    killed = true;
    await Promise.all(senders);
    for (const [i, client] of onC.entries()) if (!client.isOpen) await client.open(wsUrlOf(i % 2 === 0 ? a : b));
    // Wait for the resent messages' acks.
    await waitUntil(() => onC.every((client) => client.acked.size >= 30), 'every resent message acked');
    for (let n = 0; n < 5; n++) await onA.send(`a #${n}`, `a-${n}`);
    for (const client of all) await client.resync();

    const union = expectEveryoneHoldsTheUnion(all);
    // Every message each sender meant to send was acked exactly once (retries did not double it).
    expect(union.filter((m) => m.text.startsWith('c0 '))).toHaveLength(30);
    expect(union.filter((m) => m.text.startsWith('c1 '))).toHaveLength(30);
    console.log(
      `faults: SIGKILL of one of 3 nodes mid-traffic — ${union.length} messages acked, every client holds all of them`,
    );
    await Promise.all(all.map((client) => client.close()));
  },
  FAULT_TEST_MS,
);

it(
  'Redis taken away and given back during traffic: nodes recover by themselves and clients fill the gap',
  async () => {
    const redisUrl = new URL(REDIS_URL);
    const proxy = await new FaultProxy(redisUrl.hostname, Number(redisUrl.port || 6379)).start();
    proxies.push(proxy);
    process.env['CLUSTER_REDIS_URL'] = `redis://127.0.0.1:${proxy.port}`;
    try {
      cluster = await startCluster(2);
    } finally {
      delete process.env['CLUSTER_REDIS_URL'];
    }
    const [a, b] = cluster.nodes as [NonNullable<Cluster['nodes'][0]>, NonNullable<Cluster['nodes'][0]>];
    const one = new ResilientClient(await person(a.url, 'r1'), wsUrlOf(a));
    const two = new ResilientClient(await person(b.url, 'r2'), wsUrlOf(b));
    for (const client of [one, two]) await client.open();

    for (let n = 0; n < 5; n++) expect(await one.send(`before ${n}`, `before-${n}`)).toBe(true);
    await proxy.cut();
    // Each node keeps serving its own sockets: sends are stored and acked; cross-node events are lost.
    for (let n = 0; n < 5; n++) {
      expect(await one.send(`during one ${n}`, `d1-${n}`)).toBe(true);
      expect(await two.send(`during two ${n}`, `d2-${n}`)).toBe(true);
    }
    const ready = await request<{ error: { code: string } }>(`${a.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('REDIS_UNAVAILABLE');

    await proxy.restore();
    await waitUntil(
      async () => (await request(`${a.url}/ready`)).status === 200 && (await request(`${b.url}/ready`)).status === 200,
      'both nodes ready after Redis came back',
      { everyMs: 200 },
    );
    // Live fan-out works again without a restart: once both nodes' subscribers are back on the
    // channel (ioredis resubscribes by itself, a moment after /ready sees Redis again)...
    const observer = new Redis(REDIS_URL);
    try {
      await waitUntil(
        async () => {
          const [, subscribers] = (await observer.pubsub('NUMSUB', `${cluster!.env['REDIS_PREFIX']}:bus`)) as [
            string,
            number,
          ];
          return subscribers === 2;
        },
        'both nodes subscribed to the bus again',
        { everyMs: 100 },
      );
    } finally {
      observer.disconnect();
    }
    expect(await one.send('after', 'after-1')).toBe(true);
    // ...a message stored on node A reaches the socket on node B live, before any resync.
    await waitUntil(() => [...two.held.values()].some((m) => m.text === 'after'), '"after" delivered live to node B');
    // ...and the gap is filled from the store.
    for (const client of [one, two]) await client.resync();
    expect(expectEveryoneHoldsTheUnion([one, two])).toHaveLength(16);
    await Promise.all([one.close(), two.close()]);
  },
  FAULT_TEST_MS,
);

it(
  'PostgreSQL taken away and given back: clear 503s meanwhile, nothing acked is lost, recovery afterwards',
  async () => {
    const pgUrl = new URL(POSTGRES_ADMIN_URL);
    const proxy = await new FaultProxy(pgUrl.hostname, Number(pgUrl.port || 5432)).start();
    proxies.push(proxy);
    cluster = await startCluster(1, { DATABASE_POOL_SIZE: '4' });
    // Point a second node at the same database, but through the proxy.
    const viaProxy = new URL(cluster.env['DATABASE_URL']!);
    viaProxy.port = String(proxy.port);
    const node = await cluster.addNode({ DATABASE_URL: viaProxy.toString() });
    const client = new ResilientClient(await person(node.url, 'pg'), wsUrlOf(node));
    await client.open();
    for (let n = 0; n < 5; n++) expect(await client.send(`stored ${n}`, `s-${n}`)).toBe(true);

    await proxy.cut();
    const ready = await request<{ error: { code: string } }>(`${node.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('STORE_UNAVAILABLE');
    const rooms = await request<{ error: { code: string } }>(`${node.url}/api/v1/rooms`, {
      token: (client as unknown as { session: Session }).session.accessToken,
      cookie: (client as unknown as { session: Session }).session.cookie,
    });
    expect(rooms.status).toBe(503);
    expect(rooms.body.error.code).toBe('STORE_UNAVAILABLE');
    for (let n = 0; n < 3; n++) expect(await client.send(`refused ${n}`, `r-${n}`)).toBe(false);

    await proxy.restore();
    await waitUntil(
      async () => (await request(`${node.url}/ready`)).status === 200,
      'node ready after PostgreSQL came back',
      {
        everyMs: 200,
      },
    );
    for (let n = 0; n < 3; n++) expect(await client.send(`back ${n}`, `b-${n}`)).toBe(true);
    await client.resync();
    const union = expectEveryoneHoldsTheUnion([client]);
    expect(union.map((m) => m.text)).toEqual([
      'stored 0',
      'stored 1',
      'stored 2',
      'stored 3',
      'stored 4',
      'back 0',
      'back 1',
      'back 2',
    ]);
    await client.close();
  },
  FAULT_TEST_MS,
);
