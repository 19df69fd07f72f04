import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { ServerFrame } from '../../../protocol/index.js';
import type { Session } from './http.js';

/**
 * A WebSocket client written on a bare TCP socket, for tests that need a client that ignores the
 * protocol: it never answers a close frame, sends whatever frames (and fragments) it is told to, and
 * says when the server has really dropped the TCP connection. It answers pings unless told not to.
 */
export class RawWebSocket {
  readonly frames: ServerFrame[] = [];
  /** The close code the server sent, once it did. */
  closeCode: number | undefined;
  /** Resolves when the TCP connection is gone (the server destroyed or ended it). */
  readonly gone: Promise<void>;
  answerPings = true;
  /** Pings the server sent. */
  pings = 0;
  private buffer = Buffer.alloc(0);
  private readonly listeners: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.gone = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  get isGone(): boolean {
    return this.socket.destroyed;
  }

  sendText(text: string): void {
    this.sendFrame(Buffer.from(text, 'utf8'), 0x1, true);
  }

  /** One frame: opcode 1 (text) starts a message, 0 continues it; `fin` false leaves it unfinished. */
  sendFrame(payload: Buffer, opcode: number, fin: boolean): void {
    if (this.socket.destroyed) return;
    const mask = randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = (fin ? 0x80 : 0) | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65_536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** Resolves when a frame matching arrives (or already has); the timeout is only a ceiling. */
  async waitFor(match: (frame: ServerFrame) => boolean, timeoutMs = 30_000): Promise<ServerFrame> {
    let found: ServerFrame | undefined;
    await this.until(() => (found = this.frames.find(match)) !== undefined, 'a frame', timeoutMs);
    return found!;
  }

  /** Resolves with the close code once the server's close frame has arrived. */
  async waitForClose(timeoutMs = 30_000): Promise<number> {
    await this.until(() => this.closeCode !== undefined, 'a close frame', timeoutMs);
    return this.closeCode!;
  }

  /** Re-checks `condition` whenever bytes arrive, until it holds or the ceiling passes. */
  private async until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) break;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) break;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) break;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) break;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x1) this.frames.push(JSON.parse(payload.toString('utf8')) as ServerFrame);
      else if (opcode === 0x8) this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      else if (opcode === 0x9) {
        this.pings++;
        if (this.answerPings) this.sendFrame(Buffer.from(payload), 0xa, true);
      }
    }
    for (const listener of this.listeners.splice(0)) listener();
  }
}

export interface RawHandshake {
  status: number;
  headers: string;
  body: string;
}

/** Sends a hand-made upgrade request; resolves with the raw answer (status line, headers and body). */
export function rawUpgrade(baseUrl: string, headerLines: string[], path = '/api/v1/ws'): Promise<RawHandshake> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(url.port), url.hostname);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head, body });
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`,
    );
  });
}

/** Opens an authenticated WebSocket on a bare TCP socket (Bearer header + cookie) and waits for `ready`. */
export async function openRawWebSocket(baseUrl: string, session: Session): Promise<RawWebSocket> {
  const url = new URL(baseUrl);
  const socket = tcpConnect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET /api/v1/ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: parley.v1\r\n` +
      `Authorization: Bearer ${session.accessToken}\r\nCookie: ${session.cookie}\r\n\r\n`,
  );
  const rest = await new Promise<Buffer>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = head.subarray(0, end).toString('latin1');
      if (!status.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${status}`));
      else resolve(head.subarray(end + 4));
    };
    socket.on('data', onData);
  });
  const raw = new RawWebSocket(socket);
  if (rest.length > 0) socket.emit('data', rest);
  await raw.waitFor((frame) => frame.type === 'ready');
  return raw;
}
