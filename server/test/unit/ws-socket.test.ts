import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { outgoingFrame, type SocketLike } from '../../src/ports/socket.js';
import { wsSocket } from '../../src/edge/ws/ws-socket.js';

/** A real `ws` server on loopback whose accepted sockets are wrapped in the core's port. */
async function pair(clients: number, perMessageDeflate = false) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const accepted: { ws: WebSocket; port: SocketLike }[] = [];
  server.on('connection', (ws) => accepted.push({ ws, port: wsSocket(ws) }));
  const received: { text: string; binary: boolean }[][] = [];
  const sockets: WebSocket[] = [];
  for (let i = 0; i < clients; i++) {
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
    const inbox: { text: string; binary: boolean }[] = [];
    client.on('message', (data, isBinary) => inbox.push({ text: (data as Buffer).toString('utf8'), binary: isBinary }));
    received.push(inbox);
    sockets.push(client);
    await once(client, 'open');
  }
  while (accepted.length < clients) await new Promise((resolve) => setTimeout(resolve, 5));
  const close = async () => {
    for (const client of sockets) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  };
  return { accepted, received, close };
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// Around each boundary of the frame's length field (7 bits, 16 bits, 64 bits), and multi-byte text.
const texts = [
  '',
  'a',
  'é'.repeat(62),
  'x'.repeat(125),
  'x'.repeat(126),
  'ü'.repeat(40_000),
  'x'.repeat(65_535),
  '✓'.repeat(30_000),
];

const LIMIT = 64 << 20;

describe('wsSocket', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('frames a broadcast once and every client decodes the same text frames, in order', async () => {
    const setup = await pair(3);
    close = setup.close;
    for (const text of texts) {
      const frame = outgoingFrame(Buffer.from(text, 'utf8'));
      for (const { port } of setup.accepted) expect(port.send(frame, LIMIT)).toBe('sent');
      // The framed bytes were made by the first socket and reused by the others.
      expect(Buffer.isBuffer(frame.wire)).toBe(true);
    }
    // Interleaved with ws's own sends, order still holds.
    setup.accepted[0]!.ws.send('from ws');
    setup.accepted[0]!.port.send(outgoingFrame(Buffer.from('after')), LIMIT);
    await until(() => setup.received[0]!.length === texts.length + 2);
    await until(() => setup.received.slice(1).every((inbox) => inbox.length === texts.length));
    for (const [index, inbox] of setup.received.entries()) {
      const expected = index === 0 ? [...texts, 'from ws', 'after'] : texts;
      expect(inbox.map((m) => m.text)).toEqual(expected);
      expect(inbox.every((m) => !m.binary)).toBe(true);
    }
  });

  it('counts directly written bytes in bufferedAmount, refuses a frame past the limit, writes nothing once closed', async () => {
    const setup = await pair(1);
    close = setup.close;
    const { port } = setup.accepted[0]!;
    const big = outgoingFrame(Buffer.alloc(8 << 20, 0x61));
    expect(port.send(big, LIMIT)).toBe('sent');
    // 8 MiB cannot all be taken by the kernel at once: the rest waits in the socket's buffer.
    expect(port.bufferedAmount).toBeGreaterThan(0);
    // Past the caller's limit nothing more is written: the caller closes a slow consumer.
    expect(port.send(outgoingFrame(Buffer.from('over the limit')), port.bufferedAmount + 5)).toBe('full');
    port.close(1000, 'bye');
    expect(port.isOpen).toBe(false);
    expect(port.send(outgoingFrame(Buffer.from('too late')), LIMIT)).toBe('closed');
    await until(() => setup.received[0]!.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(setup.received[0]!.map((m) => m.text.length)).toEqual([8 << 20]);
  });

  it('falls back to ws.send when an extension transforms frames', async () => {
    const setup = await pair(1, true);
    close = setup.close;
    const frame = outgoingFrame(Buffer.from('compressed '.repeat(200)));
    setup.accepted[0]!.port.send(frame, LIMIT);
    await until(() => setup.received[0]!.length === 1);
    expect(setup.received[0]![0]!.text).toBe('compressed '.repeat(200));
    expect(frame.wire).toBeUndefined();
  });
});
