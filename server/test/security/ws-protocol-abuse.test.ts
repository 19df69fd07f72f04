import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../helpers/http.js';
import { openRawWebSocket, rawUpgrade, type RawWebSocket } from '../helpers/raw-ws.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * Clients that bend the WebSocket protocol itself: a message trickled one byte at a time that
 * never ends (while answering every ping), a frame that stalls half-way, and handshakes for
 * versions we do not speak. Each gets the documented answer; honest slow and idle clients do not.
 */
const MESSAGE_TIMEOUT_MS = 3000;
/** Pings come often enough that the trickle answers some, and far enough apart not to cut a busy test. */
const HEARTBEAT_MS = 2000;
let server: TestServer;
/** The heartbeat far off: only the message deadline can cut a client that cannot answer pings. */
let quietServer: TestServer;
beforeAll(async () => {
  const deadline = { LOG_LEVEL: 'warn', WS_MESSAGE_TIMEOUT_MS: String(MESSAGE_TIMEOUT_MS) };
  [server, quietServer] = await Promise.all([
    startServer({ env: { ...deadline, WS_HEARTBEAT_MS: String(HEARTBEAT_MS) } }),
    startServer({ env: { ...deadline, WS_HEARTBEAT_MS: '300000' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([server.close(), quietServer.close()]);
});

/** Resolves after `ms`, or when `stop` says so; checked every 20 ms. */
async function trickle(step: () => void, stop: () => boolean, everyMs: number, maxMs: number): Promise<void> {
  const started = Date.now();
  while (!stop() && Date.now() - started < maxMs) {
    step();
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Trickles `step` every 100 ms until the server drops the socket; then it must have been the deadline. */
async function expectCutByDeadline(raw: RawWebSocket, step: () => void): Promise<void> {
  const started = Date.now();
  await trickle(step, () => raw.isGone, 100, 30_000);
  await raw.gone;
  const elapsed = Date.now() - started;
  expect(raw.closeCode).toBe(4408);
  expect(elapsed).toBeGreaterThanOrEqual(MESSAGE_TIMEOUT_MS);
  // The timeout, the next byte, and the close grace; a generous ceiling on a busy machine.
  expect(elapsed).toBeLessThan(MESSAGE_TIMEOUT_MS + 8000);
}

describe('a message that never finishes', () => {
  it('one-byte fragments, pings answered: closed with 4408 once it has been arriving for WS_MESSAGE_TIMEOUT_MS', async () => {
    const raw = await openRawWebSocket(server.url, await newUser(server.url, 'mallory'));
    raw.sendFrame(Buffer.from('{'), 0x1, false);
    await expectCutByDeadline(raw, () => raw.sendFrame(Buffer.from(' '), 0x0, false));
    expect(raw.pings).toBeGreaterThan(0);
  });

  it('one frame trickled byte by byte: cut off the same way, by the deadline alone', async () => {
    const raw = await openRawWebSocket(quietServer.url, await newUser(quietServer.url, 'mallory'));
    raw.answerPings = false; // a pong cannot go inside a frame
    const payload = Buffer.from(JSON.stringify({ type: 'ping', pad: 'x'.repeat(900) }));
    const mask = randomBytes(4);
    const frame = Buffer.concat([
      Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]),
      mask,
      Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!)),
    ]);
    let offset = 0;
    await expectCutByDeadline(raw, () => raw.socket.write(frame.subarray(offset, ++offset)));
    expect(raw.pings).toBe(0);
    expect(offset).toBeLessThan(frame.length);
  });

  it('keeps an honest client whose large message arrives slowly but within the limit, and an idle one', async () => {
    const raw = await openRawWebSocket(server.url, await newUser(server.url, 'slowpoke'));
    raw.sendText(JSON.stringify({ type: 'join', room: 'general' }));
    await raw.waitFor((frame) => frame.type === 'joined');
    // About 12 KB (3,900 three-byte characters) in up to ten pieces over about a third of the timeout.
    // The last piece goes out once a third of the timeout has passed, whatever a busy machine did to
    // the timers in between, so the message is slow but always within the limit.
    const text = JSON.stringify({ type: 'send', room: 'general', text: '€'.repeat(3900), clientMsgId: 'slow-1' });
    const bytes = Buffer.from(text, 'utf8');
    const pieces = 10;
    const size = Math.ceil(bytes.length / pieces);
    const began = Date.now();
    for (let i = 0; i < pieces; i++) {
      const last = i === pieces - 1 || Date.now() - began >= MESSAGE_TIMEOUT_MS / 3;
      raw.sendFrame(bytes.subarray(i * size, last ? bytes.length : (i + 1) * size), i === 0 ? 0x1 : 0x0, last);
      if (last) break;
      await new Promise((resolve) => setTimeout(resolve, MESSAGE_TIMEOUT_MS / 3 / pieces));
    }
    await raw.waitFor((frame) => frame.type === 'ack');
    // Idle, answering pings, for well past the message timeout: still open.
    const pingsBefore = raw.pings;
    await trickle(
      () => undefined,
      () => raw.pings >= pingsBefore + 3 || raw.isGone,
      20,
      30_000,
    );
    expect(raw.isGone).toBe(false);
    raw.sendText(JSON.stringify({ type: 'ping' }));
    await raw.waitFor((frame) => frame.type === 'pong');
    raw.destroy();
  });
});

describe('handshakes we do not speak', () => {
  const base = (version: string | undefined) => [
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...(version === undefined ? [] : [`Sec-WebSocket-Version: ${version}`]),
  ];

  for (const version of ['8', '99', '12', undefined]) {
    it(`Sec-WebSocket-Version ${version ?? '(missing)'}: 426 with our JSON error and "Sec-WebSocket-Version: 13", before authentication`, async () => {
      const answer = await rawUpgrade(server.url, base(version));
      expect(answer.status).toBe(426);
      expect(answer.headers).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/i);
      expect(answer.headers).toMatch(/\r\nContent-Type: application\/json/i);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'WS_VERSION_UNSUPPORTED', message: expect.any(String) },
      });
    });
  }

  it('a missing or malformed Sec-WebSocket-Key, or no Upgrade header: 400 BAD_REQUEST as JSON', async () => {
    for (const lines of [
      ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'],
      ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: short'],
    ]) {
      const answer = await rawUpgrade(server.url, lines);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
  });
});
