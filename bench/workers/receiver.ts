/**
 * A receiver process: holds many sockets in one room and does the least work that still proves
 * delivery. For each `message` frame it finds `"seq":` and the send timestamp between `~` marks in
 * the bytes (no JSON.parse, no UTF-8 decoding), then checks the seq against a per-socket bitmap:
 * a seq seen twice is a duplicate, one below the highest seen is out of order, and every seq up to
 * the last acknowledged one that never arrived is lost.
 *
 * Also serves the connect scenario: open sockets, time each handshake, close them.
 */
import type WebSocket from 'ws';
import { Histogram, nowUs, type HistogramData } from '../stats.js';
import { serve } from './rpc.js';
import { closeAll, openMany, openSocket, readInt, startsWith, type OpenRequest } from './socket.js';

const MESSAGE = Buffer.from('{"type":"message"');
const SEQ = Buffer.from('"seq":');
const TILDE = 0x7e;

interface Tracked {
  ws: WebSocket;
  /** The seq before the first one this socket saw (the sync message); -1 until then. */
  base: number;
  maxSeq: number;
  seen: Uint8Array;
  unique: number;
  duplicates: number;
  outOfOrder: number;
  closeCode: number | undefined;
}

const sockets: Tracked[] = [];
let measured = { startUs: Number.POSITIVE_INFINITY, endUs: 0 };
let windowDeliveries = 0;
let latency = new Histogram();
let deliveries = 0;
let closing = false;

function onMessage(socket: Tracked, data: Buffer): void {
  if (!startsWith(data, MESSAGE)) return; // presence, typing: not what is measured
  const now = nowUs();
  deliveries++;
  if (now >= measured.startUs && now < measured.endUs) windowDeliveries++;
  const seqAt = data.indexOf(SEQ, MESSAGE.length);
  const seq = readInt(data, seqAt + SEQ.length);
  const stampAt = data.indexOf(TILDE, seqAt);
  if (stampAt >= 0) {
    const sentUs = readInt(data, stampAt + 1);
    if (sentUs >= measured.startUs && sentUs < measured.endUs) latency.record(now - sentUs);
  }
  track(socket, seq);
}

function track(socket: Tracked, seq: number): void {
  if (socket.base < 0) socket.base = seq - 1;
  const index = seq - socket.base - 1;
  if (index < 0) {
    socket.duplicates++;
    return;
  }
  if (index >= socket.seen.length) {
    let size = socket.seen.length * 2;
    while (size <= index) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(socket.seen);
    socket.seen = grown;
  }
  if (socket.seen[index] === 1) {
    socket.duplicates++;
    return;
  }
  socket.seen[index] = 1;
  socket.unique++;
  if (seq < socket.maxSeq) socket.outOfOrder++;
  else socket.maxSeq = seq;
}

function lostUpTo(socket: Tracked, upToSeq: number): number {
  if (socket.base < 0) return Math.max(0, upToSeq);
  const expected = upToSeq - socket.base;
  if (socket.maxSeq <= upToSeq) return Math.max(0, expected - socket.unique);
  let seen = 0;
  for (let index = 0; index < expected; index++) seen += socket.seen[index] ?? 0;
  return Math.max(0, expected - seen);
}

export interface OpenParams {
  requests: OpenRequest[];
  concurrency: number;
  /** Keep the sockets to count deliveries (fanout); otherwise they only stay open (connect). */
  track: boolean;
}

export interface OpenResult {
  opened: number;
  failures: Record<string, number>;
  handshake: HistogramData;
  elapsedMs: number;
}

export interface ReceiverReport {
  sockets: number;
  windowDeliveries: number;
  deliveries: number;
  latency: HistogramData;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Sockets the server closed, by close code. */
  closed: Record<string, number>;
  /** Sockets with any loss, duplicate or reordering. */
  socketsWithErrors: number;
}

const api = {
  async open(params: OpenParams): Promise<OpenResult> {
    const started = performance.now();
    const handshake = new Histogram();
    const { opened, failures } = await openMany(params.requests, params.concurrency, async (request) => {
      const socket: Tracked = {
        ws: undefined as unknown as WebSocket,
        base: -1,
        maxSeq: 0,
        seen: new Uint8Array(1024),
        unique: 0,
        duplicates: 0,
        outOfOrder: 0,
        closeCode: undefined,
      };
      const open = await openSocket(
        request,
        (data) => onMessage(socket, data),
        (code) => {
          if (!closing) socket.closeCode = code;
        },
      );
      socket.ws = open.ws;
      handshake.record(open.handshakeUs);
      return socket;
    });
    sockets.push(...opened);
    return { opened: opened.length, failures, handshake: handshake.toData(), elapsedMs: performance.now() - started };
  },

  /** Starts a measurement step: deliveries arriving, and latencies of messages sent, within the window. */
  window(params: { startUs: number; endUs: number }): void {
    measured = params;
    windowDeliveries = 0;
    latency = new Histogram();
  },

  /** How far the sockets have got: how many saw the sync message, and the lowest highest seq. */
  progress(): { synced: number; minSeq: number; open: number } {
    let synced = 0;
    let minSeq = Number.MAX_SAFE_INTEGER;
    let open = 0;
    for (const socket of sockets) {
      if (socket.base >= 0) synced++;
      if (socket.closeCode !== undefined) continue;
      open++;
      if (socket.maxSeq < minSeq) minSeq = socket.maxSeq;
    }
    return { synced, minSeq: open === 0 ? 0 : minSeq, open };
  },

  report(params: { upToSeq: number }): ReceiverReport {
    let lost = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let socketsWithErrors = 0;
    const closed: Record<string, number> = {};
    for (const socket of sockets) {
      const socketLost = lostUpTo(socket, params.upToSeq);
      lost += socketLost;
      duplicates += socket.duplicates;
      outOfOrder += socket.outOfOrder;
      if (socketLost + socket.duplicates + socket.outOfOrder > 0) socketsWithErrors++;
      if (socket.closeCode !== undefined) closed[socket.closeCode] = (closed[socket.closeCode] ?? 0) + 1;
    }
    return {
      sockets: sockets.length,
      windowDeliveries,
      deliveries,
      latency: latency.toData(),
      lost,
      duplicates,
      outOfOrder,
      closed,
      socketsWithErrors,
    };
  },

  async close(): Promise<void> {
    closing = true;
    await closeAll(sockets.map((socket) => socket.ws));
    sockets.length = 0;
    deliveries = 0;
    closing = false;
  },
};

export type ReceiverApi = typeof api;

serve(api);
