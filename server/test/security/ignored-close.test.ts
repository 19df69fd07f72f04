import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../../../protocol/index.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { openRawWebSocket, type RawWebSocket } from '../helpers/raw-ws.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

/**
 * A client that ignores close frames: once the server has closed its connection — revocation,
 * slow consumer, shutdown — nothing it sends afterwards is stored or broadcast, and its TCP
 * connection is gone within 2 s (WS_CLOSE_GRACE_MS, 1 s by default, then ws destroys it).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await server.close();
});

/** Keeps sending `send` frames from the raw client until it is gone; answers how many it sent. */
async function keepSending(raw: RawWebSocket, tag: string): Promise<number> {
  let sent = 0;
  while (!raw.isGone && sent < 500) {
    raw.sendText(
      JSON.stringify({ type: 'send', room: 'general', text: `${tag} ${sent}`, clientMsgId: `${tag}-${sent}` }),
    );
    sent++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return sent;
}

async function joinedRaw(session: Session): Promise<RawWebSocket> {
  const raw = await openRawWebSocket(server.url, session);
  raw.sendText(JSON.stringify({ type: 'join', room: 'general' }));
  await raw.waitFor((frame) => frame.type === 'joined');
  return raw;
}

async function storedTexts(base: string, session: Session): Promise<string[]> {
  const page = await request<{ messages: Message[] }>(`${base}/api/v1/rooms/general/messages?limit=100`, {
    token: session.accessToken,
    cookie: session.cookie,
  });
  return page.body.messages.map((m) => m.text);
}

it('after "log out everywhere", nothing a client that ignores 4401 sends is stored or broadcast; its TCP is cut within 2 s', async () => {
  const [mallory, ben] = await Promise.all([newUser(server.url, 'mallory'), newUser(server.url, 'ben')]);
  const observer = await connect(server.wsUrl, ben);
  await observer.join();
  const raw = await joinedRaw(mallory);
  // Before the revocation, what it sends is stored as usual.
  raw.sendText(JSON.stringify({ type: 'send', room: 'general', text: 'before revocation', clientMsgId: 'before' }));
  await raw.waitFor((frame) => frame.type === 'ack');

  const logout = await request(`${server.url}/api/v1/auth/logout`, {
    body: { allSessions: true },
    token: mallory.accessToken,
    cookie: mallory.cookie,
  });
  expect(logout.status).toBe(204);
  const revokedAt = Date.now();
  const sending = keepSending(raw, 'after-revocation');
  expect(await raw.waitForClose()).toBe(4401);
  await raw.gone;
  expect(Date.now() - revokedAt).toBeLessThan(2000);
  expect(await sending).toBeGreaterThan(0);

  // A marker from the observer: anything the server stored from mallory would be before it.
  await observer.sendText('marker after revocation');
  const texts = await storedTexts(server.url, ben);
  expect(texts).toContain('before revocation');
  expect(texts.filter((text) => text.startsWith('after-revocation'))).toEqual([]);
  expect(observer.framesOf('message').filter((f) => f.message.text.startsWith('after-revocation'))).toEqual([]);
  expect(raw.frames.filter((frame) => frame.type === 'ack')).toHaveLength(1);
  await observer.close();
});

it('a slow consumer that ignores 4408 stops being served and is cut within 2 s', async () => {
  const small = await startServer({ env: { LOG_LEVEL: 'warn', WS_MAX_BUFFERED_BYTES: '65536' } });
  try {
    const [mallory, ben] = await Promise.all([newUser(small.url, 'mallory'), newUser(small.url, 'ben')]);
    const raw = await openRawWebSocket(small.url, mallory);
    raw.sendText(JSON.stringify({ type: 'join', room: 'general' }));
    await raw.waitFor((frame) => frame.type === 'joined');
    raw.socket.pause(); // never reads again
    const sender = await connect(small.wsUrl, ben);
    await sender.join();
    const text = 'x'.repeat(3900);
    const dropped = () => small.app.core.connectionCount === 1;
    // Noted as soon as the server drops it (every 5 ms), not after the batch that caused it.
    let droppedAt: number | undefined;
    const watching = (async () => {
      const since = Date.now();
      while (!dropped() && Date.now() - since < 60_000) await new Promise((resolve) => setTimeout(resolve, 5));
      if (dropped()) droppedAt = Date.now();
    })();
    // Batches of 100 until the kernel's buffers and then the 64 KiB allowance are full (at most 40 MB).
    for (let batch = 0; batch < 100 && droppedAt === undefined; batch++) {
      const ids = Array.from({ length: 100 }, (_, i) => `slow-${batch}-${i}`);
      for (const id of ids) sender.send({ type: 'send', room: 'general', text: `${text} ${id}`, clientMsgId: id });
      await sender.next('ack', (frame) => frame.clientMsgId === ids.at(-1), 30_000);
    }
    await watching;
    if (droppedAt === undefined) throw new Error('the slow consumer was never dropped');
    const dropTime: number = droppedAt;
    // The client reads nothing, so it cannot see the close: the server's side of the TCP connection
    // is what must go, within the grace.
    while (small.app.gateway.openSockets > 1 && Date.now() - dropTime < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(small.app.gateway.openSockets).toBe(1);
    expect(Date.now() - dropTime).toBeLessThan(2000);
    raw.destroy();
    await sender.close();
  } finally {
    await small.close();
  }
});

it('at shutdown, a client that ignores 1001 is cut within 2 s, close finishes, and nothing it sent after is stored', async () => {
  const dir = tempDir();
  try {
    const env = { LOG_LEVEL: 'warn' };
    const first = await startServer({ env, dataDir: dir.path });
    const mallory = await newUser(first.url, 'mallory');
    const raw = await openRawWebSocket(first.url, mallory);
    raw.sendText(JSON.stringify({ type: 'join', room: 'general' }));
    await raw.waitFor((frame) => frame.type === 'joined');

    const started = Date.now();
    const closing = first.app.close();
    const sending = keepSending(raw, 'after-shutdown');
    expect(await raw.waitForClose()).toBe(1001);
    await raw.gone;
    await closing;
    expect(Date.now() - started).toBeLessThan(2000 + 1000);
    await sending;

    const second = await startServer({ env, dataDir: dir.path });
    try {
      const reader = await newUser(second.url, 'reader');
      expect((await storedTexts(second.url, reader)).filter((t) => t.startsWith('after-shutdown'))).toEqual([]);
    } finally {
      await second.close();
    }
  } finally {
    dir.remove();
  }
});
