import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { newUser, request } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Floods against one server while an honest pair chats: oversize frames, malformed-JSON floods,
 * binary frames and half-open connections. The server stays healthy, the pair sees no error, and
 * every acked message reaches the other side once, in order. Bounded in count and time; loopback only.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await server.close();
});

const HALF_OPEN = 200;
const ATTACKERS = 6;
const HONEST_MESSAGES = 60;

it('survives floods while an honest pair chats without loss, error or disorder', async () => {
  const [ann, ben] = await Promise.all([newUser(server.url, 'ann'), newUser(server.url, 'ben')]);
  const a = await connect(server.wsUrl, ann);
  const b = await connect(server.wsUrl, ben);
  await a.join();
  await b.join();

  // Half-open connections: upgrade requests that never finish their headers.
  const port = Number(new URL(server.url).port);
  const halfOpen: Socket[] = [];
  for (let i = 0; i < HALF_OPEN; i++) {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    halfOpen.push(socket);
  }

  // Authenticated attackers: garbage, binary and oversize frames.
  const attackers: TestClient[] = [];
  for (let i = 0; i < ATTACKERS; i++) attackers.push(await connect(server.wsUrl, await newUser(server.url, 'mallory')));
  const attackerCloses = attackers.map((client) => client.closed);
  attackers.forEach((client, i) => {
    if (i % 3 === 0) for (let n = 0; n < 50; n++) client.sendRaw(`{"type":"send","room":${'['.repeat(n)}`);
    else if (i % 3 === 1) for (let n = 0; n < 50; n++) client.sendRaw(Buffer.alloc(1024, n), true);
    else client.sendRaw('x'.repeat(server.config.wsMaxPayload * 2));
  });

  // Meanwhile the honest pair chats.
  const acked: Message[] = [];
  for (let i = 0; i < HONEST_MESSAGES; i++) {
    const sender = i % 2 === 0 ? a : b;
    acked.push((await sender.sendText(`honest ${i}`)).message);
    if (i % 10 === 0) expect((await request(`${server.url}/health`)).status).toBe(200);
  }
  await a.sendText('last from ann');
  await b.next('message', (f) => f.message.text === 'last from ann');
  await b.sendText('last from ben');
  await a.next('message', (f) => f.message.text === 'last from ben');

  const closes = (await Promise.all(attackerCloses)).map((c) => c.code).sort();
  expect(closes).toEqual([1008, 1008, 1008, 1008, 1009, 1009].sort());

  for (const [client, other] of [
    [a, ben.user.id],
    [b, ann.user.id],
  ] as const) {
    expect(client.framesOf('error')).toEqual([]);
    const fromOther = acked.filter((m) => m.user.id === other);
    const received = client
      .framesOf('message')
      .map((f) => f.message)
      .filter((m) => m.user.id === other && m.text.startsWith('honest'));
    expect(received).toEqual(fromOther);
  }
  const seqs = acked.map((m) => m.seq);
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));

  expect((await request(`${server.url}/ready`)).status).toBe(200);
  for (const socket of halfOpen) socket.destroy();
  await Promise.all([a.close(), b.close()]);
});
