/**
 * A receiver process: holds many sockets in one room and does the least work that still proves
 * delivery. For each `message` frame it finds `"seq":` and the send timestamp between `~` marks in
 * the bytes (no JSON.parse, no UTF-8 decoding), then checks the seq against a per-socket bitmap
 * (SeqTracker): a seq seen twice is a duplicate, one below the highest seen is out of order, and every
 * seq up to the last acknowledged one that never arrived is lost. `event` frames (member changes,
 * edits, reactions) take seqs in the same stream: they fill their place, and are not deliveries.
 *
 * Also serves the connect scenario: open sockets, time each handshake, close them.
 */
import type WebSocket from 'ws';
import { Histogram, nowUs, type HistogramData } from '../stats.js';
import { serve } from './rpc.js';
import { SeqTracker } from './seq-tracker.js';
import { closeAll, openMany, openSocket, readInt, startsWith, type OpenRequest } from './socket.js';

const MESSAGE = Buffer.from('{"type":"message"');
const EVENT = Buffer.from('{"type":"event"');
const SEQ = Buffer.from('"seq":');
const TILDE = 0x7e;

interface Tracked {
  ws: WebSocket;
  seqs: SeqTracker;
  closeCode: number | undefined;
}

const sockets: Tracked[] = [];
let measured = { startUs: Number.POSITIVE_INFINITY, endUs: 0 };
let windowDeliveries = 0;
let latency = new Histogram();
let deliveries = 0;
let closing = false;

function onMessage(socket: Tracked, data: Buffer): void {
  if (!startsWith(data, MESSAGE)) {
    // A room event (a member joining, an edit) takes a seq too: part of the stream, not a delivery.
    if (startsWith(data, EVENT)) socket.seqs.event(readInt(data, data.indexOf(SEQ, EVENT.length) + SEQ.length));
    return; // presence, typing: not what is measured
  }
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
  socket.seqs.message(seq);
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
      const socket: Tracked = { ws: undefined as unknown as WebSocket, seqs: new SeqTracker(), closeCode: undefined };
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
      if (socket.seqs.synced) synced++;
      if (socket.closeCode !== undefined) continue;
      open++;
      if (socket.seqs.maxSeq < minSeq) minSeq = socket.seqs.maxSeq;
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
      const socketLost = socket.seqs.lostUpTo(params.upToSeq);
      lost += socketLost;
      duplicates += socket.seqs.duplicates;
      outOfOrder += socket.seqs.outOfOrder;
      if (socketLost + socket.seqs.duplicates + socket.seqs.outOfOrder > 0) socketsWithErrors++;
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
