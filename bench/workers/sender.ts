/**
 * The sender process: a few sockets (one user each) in the room, sending on an open-loop schedule —
 * message i is due at start + i / rate whatever the server's answers, so a slow server shows up as
 * latency rather than as a politely slower sender. Each text carries its scheduled send time,
 * `~<µs>~`, which receivers subtract from their arrival time; the ack's delay is timed here too.
 */
import type WebSocket from 'ws';
import { Histogram, nowUs, type HistogramData } from '../stats.js';
import { serve } from './rpc.js';
import { closeAll, openLoop, openMany, openSocket, readInt, startsWith, type OpenRequest } from './socket.js';

const ACK = Buffer.from('{"type":"ack","clientMsgId":"b');
const MESSAGE = Buffer.from('{"type":"message"');
const ERROR = Buffer.from('{"type":"error"');
const SEQ = Buffer.from('"seq":');
const ACK_SETTLE_MS = 10_000;

let room = 'general';
const sockets: WebSocket[] = [];
/** clientMsgId number → scheduled send time (µs). */
const pending = new Map<number, number>();
let nextId = 1;
let measured = { startUs: Number.POSITIVE_INFINITY, endUs: 0 };
let ackLatency = new Histogram();
let acked = 0;
let minSeq = Number.MAX_SAFE_INTEGER;
let maxSeq = 0;
let windowDeliveries = 0;
let errors: Record<string, number> = {};
let onSettled: (() => void) | undefined;

function onMessage(data: Buffer): void {
  if (startsWith(data, MESSAGE)) {
    const now = nowUs();
    if (now >= measured.startUs && now < measured.endUs) windowDeliveries++;
    return;
  }
  if (startsWith(data, ACK)) {
    const id = readInt(data, ACK.length);
    const scheduled = pending.get(id);
    if (scheduled === undefined) return;
    pending.delete(id);
    acked++;
    const seq = readInt(data, data.indexOf(SEQ) + SEQ.length);
    if (seq > maxSeq) maxSeq = seq;
    if (seq < minSeq) minSeq = seq;
    if (scheduled >= measured.startUs && scheduled < measured.endUs) ackLatency.record(nowUs() - scheduled);
  } else if (startsWith(data, ERROR)) {
    const frame = JSON.parse(data.toString('utf8')) as { code: string; ref?: string };
    errors[frame.code] = (errors[frame.code] ?? 0) + 1;
    if (frame.ref?.startsWith('b')) pending.delete(Number(frame.ref.slice(1)));
  } else {
    return;
  }
  if (pending.size === 0) onSettled?.();
}

function send(socket: WebSocket, scheduledUs: number, filler: string): void {
  const id = nextId++;
  pending.set(id, scheduledUs);
  socket.send(`{"type":"send","room":"${room}","text":"~${scheduledUs}~ ${filler}","clientMsgId":"b${id}"}`);
}

function settled(timeoutMs: number): Promise<void> {
  if (pending.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      onSettled = undefined;
      resolve();
    }
    onSettled = done;
  });
}

export interface RunParams {
  /** Messages per second, all senders together. */
  rate: number;
  startUs: number;
  endUs: number;
  windowStartUs: number;
  windowEndUs: number;
  /** Characters of text after the timestamp. */
  fillerChars: number;
}

export interface SenderReport {
  sent: number;
  acked: number;
  /** Sent but neither acknowledged nor refused within the settle time. */
  unacked: number;
  errors: Record<string, number>;
  minSeq: number;
  maxSeq: number;
  ack: HistogramData;
  /** How far behind schedule the sender itself fell (the load generator's own limit), ms. */
  maxLateMs: number;
  windowDeliveries: number;
}

const api = {
  async open(params: { requests: OpenRequest[]; concurrency: number }): Promise<number> {
    room = params.requests[0]?.room ?? room;
    const { opened, failures } = await openMany(params.requests, params.concurrency, (request) =>
      openSocket(request, onMessage, () => undefined),
    );
    if (Object.keys(failures).length > 0) throw new Error(`sender sockets failed: ${JSON.stringify(failures)}`);
    sockets.push(...opened.map((open) => open.ws));
    return sockets.length;
  },

  /** One message, so every receiver learns where the room's seq stands; answers its seq. */
  async sync(): Promise<number> {
    const socket = sockets[0];
    if (!socket) throw new Error('no sender sockets');
    maxSeq = 0;
    send(socket, 0, 'sync');
    await settled(ACK_SETTLE_MS);
    if (pending.size > 0 || maxSeq === 0) throw new Error(`sync message not acknowledged: ${JSON.stringify(errors)}`);
    return maxSeq;
  },

  async run(params: RunParams): Promise<SenderReport> {
    measured = { startUs: params.windowStartUs, endUs: params.windowEndUs };
    ackLatency = new Histogram();
    acked = 0;
    minSeq = Number.MAX_SAFE_INTEGER;
    maxSeq = 0;
    windowDeliveries = 0;
    errors = {};
    const filler = 'x'.repeat(params.fillerChars);
    const { sent, maxLateUs } = await openLoop(params, (index, scheduled) =>
      send(sockets[index % sockets.length]!, scheduled, filler),
    );
    await settled(ACK_SETTLE_MS);
    const unacked = pending.size;
    pending.clear();
    return {
      sent,
      acked,
      unacked,
      errors,
      minSeq: acked === 0 ? 0 : minSeq,
      maxSeq,
      ack: ackLatency.toData(),
      maxLateMs: maxLateUs / 1000,
      windowDeliveries,
    };
  },

  async close(): Promise<void> {
    await closeAll(sockets);
    sockets.length = 0;
  },
};

export type SenderApi = typeof api;

serve(api);
