/**
 * A member process for the many-rooms scenario: sockets that each follow one conversation (a room or
 * a DM), receive everything said in it and take their turn to speak. Sends are open loop, as in the
 * sender process: this process's message i is due at start + i / rate, from its sockets in a fixed
 * shuffled order, so consecutive messages land in different conversations. Each socket's seq stream
 * — others' `message` frames, its own acks and any `event` — goes through a SeqTracker, so loss,
 * duplicates and reordering are counted per socket as in fanout.
 */
import type WebSocket from 'ws';
import { Histogram, nowUs, type HistogramData } from '../stats.js';
import type { ReceiverReport } from './receiver.js';
import { serve } from './rpc.js';
import type { SenderReport } from './sender.js';
import { SeqTracker } from './seq-tracker.js';
import { closeAll, openLoop, openMany, openSocket, readInt, startsWith, type OpenRequest } from './socket.js';

const MESSAGE = Buffer.from('{"type":"message"');
const EVENT = Buffer.from('{"type":"event"');
const ACK = Buffer.from('{"type":"ack","clientMsgId":"b');
const ERROR = Buffer.from('{"type":"error"');
const SEQ = Buffer.from('"seq":');
const TILDE = 0x7e;
const ACK_SETTLE_MS = 10_000;

interface Member {
  ws: WebSocket;
  room: string;
  seqs: SeqTracker;
  closeCode: number | undefined;
}

const members: Member[] = [];
/** clientMsgId number → scheduled send time (µs). */
const pending = new Map<number, number>();
let nextId = 1;
let measured = { startUs: Number.POSITIVE_INFINITY, endUs: 0 };
let latency = new Histogram();
let ackLatency = new Histogram();
let windowDeliveries = 0;
let acked = 0;
/** The highest acked seq per room: what every member of the room must have seen. */
let ackedUpTo: Record<string, number> = {};
let errors: Record<string, number> = {};
let onSettled: (() => void) | undefined;
let closing = false;

const seqAfter = (data: Buffer, from: number) => readInt(data, data.indexOf(SEQ, from) + SEQ.length);

function onFrame(member: Member, data: Buffer): void {
  if (startsWith(data, MESSAGE)) {
    const now = nowUs();
    if (now >= measured.startUs && now < measured.endUs) windowDeliveries++;
    const seqAt = data.indexOf(SEQ, MESSAGE.length);
    const stampAt = data.indexOf(TILDE, seqAt);
    if (stampAt >= 0) {
      const sentUs = readInt(data, stampAt + 1);
      if (sentUs >= measured.startUs && sentUs < measured.endUs) latency.record(now - sentUs);
    }
    member.seqs.message(readInt(data, seqAt + SEQ.length));
  } else if (startsWith(data, EVENT)) {
    member.seqs.event(seqAfter(data, EVENT.length));
  } else if (startsWith(data, ACK)) {
    const id = readInt(data, ACK.length);
    const scheduled = pending.get(id);
    if (scheduled === undefined) return;
    pending.delete(id);
    acked++;
    const seq = seqAfter(data, ACK.length);
    // My own message: it has its place in my stream, as the others' `message` frames have.
    member.seqs.message(seq);
    if (seq > (ackedUpTo[member.room] ?? 0)) ackedUpTo[member.room] = seq;
    if (scheduled >= measured.startUs && scheduled < measured.endUs) ackLatency.record(nowUs() - scheduled);
    if (pending.size === 0) onSettled?.();
  } else if (startsWith(data, ERROR)) {
    const frame = JSON.parse(data.toString('utf8')) as { code: string; ref?: string };
    errors[frame.code] = (errors[frame.code] ?? 0) + 1;
    if (frame.ref?.startsWith('b')) pending.delete(Number(frame.ref.slice(1)));
    if (pending.size === 0) onSettled?.();
  }
}

function send(member: Member, scheduledUs: number, text: string): void {
  const id = nextId++;
  pending.set(id, scheduledUs);
  member.ws.send(`{"type":"send","room":"${member.room}","text":"~${scheduledUs}~ ${text}","clientMsgId":"b${id}"}`);
}

function settled(): Promise<void> {
  if (pending.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ACK_SETTLE_MS);
    function done() {
      clearTimeout(timer);
      onSettled = undefined;
      resolve();
    }
    onSettled = done;
  });
}

/** The same order on every run: a Fisher-Yates shuffle driven by a fixed linear congruential sequence. */
function shuffledIndexes(count: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  let state = 12345;
  for (let index = count - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}

export interface MemberRunParams {
  /** Messages per second from this process. */
  rate: number;
  startUs: number;
  endUs: number;
  windowStartUs: number;
  windowEndUs: number;
  fillerChars: number;
}

export type MemberRunReport = Omit<SenderReport, 'minSeq' | 'maxSeq'> & {
  ackedUpTo: Record<string, number>;
  latency: HistogramData;
};

const api = {
  /**
   * `idBase`: where this process's clientMsgIds start. A user has sockets in several processes, and
   * Parley takes a clientMsgId it has seen from that user for a retry of the same message.
   */
  async open(params: { requests: (OpenRequest & { room: string })[]; concurrency: number; idBase: number }) {
    nextId = Math.max(nextId, params.idBase);
    const { opened, failures } = await openMany(params.requests, params.concurrency, async (request) => {
      const member: Member = {
        ws: undefined as unknown as WebSocket,
        room: request.room ?? '',
        seqs: new SeqTracker(),
        closeCode: undefined,
      };
      const open = await openSocket(
        request,
        (data) => onFrame(member, data),
        (code) => {
          if (!closing) member.closeCode = code;
        },
      );
      member.ws = open.ws;
      return member;
    });
    members.push(...opened);
    return { opened: opened.length, failures };
  },

  /** One message in each of these rooms from its first socket here: every member's stream starts there. */
  async sync(params: { rooms: string[] }): Promise<void> {
    for (const room of params.rooms) {
      const member = members.find((m) => m.room === room);
      if (!member) throw new Error(`no socket in ${room}`);
      send(member, 0, 'sync');
    }
    await settled();
    if (pending.size > 0) throw new Error(`sync messages not acknowledged: ${JSON.stringify(errors)}`);
  },

  /** How many sockets have started their stream, and how many are still short of `upTo` (per room). */
  progress(params: { upTo: Record<string, number> }): { synced: number; behind: number; open: number } {
    let synced = 0;
    let behind = 0;
    let open = 0;
    for (const member of members) {
      if (member.seqs.synced) synced++;
      if (member.closeCode !== undefined) continue;
      open++;
      if (member.seqs.maxSeq < (params.upTo[member.room] ?? 0)) behind++;
    }
    return { synced, behind, open };
  },

  async run(params: MemberRunParams): Promise<MemberRunReport> {
    measured = { startUs: params.windowStartUs, endUs: params.windowEndUs };
    latency = new Histogram();
    ackLatency = new Histogram();
    windowDeliveries = 0;
    acked = 0;
    ackedUpTo = {};
    errors = {};
    const order = shuffledIndexes(members.length);
    const filler = 'x'.repeat(params.fillerChars);
    const { sent, maxLateUs } = await openLoop(params, (index, scheduled) =>
      send(members[order[index % order.length]!]!, scheduled, filler),
    );
    await settled();
    const unacked = pending.size;
    pending.clear();
    return {
      sent,
      acked,
      unacked,
      errors,
      ack: ackLatency.toData(),
      maxLateMs: maxLateUs / 1000,
      windowDeliveries,
      ackedUpTo,
      latency: latency.toData(),
    };
  },

  report(params: { upTo: Record<string, number> }): Omit<ReceiverReport, 'windowDeliveries' | 'latency'> {
    let lost = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let socketsWithErrors = 0;
    const closed: Record<string, number> = {};
    for (const member of members) {
      const { seqs } = member;
      const memberLost = seqs.lostUpTo(params.upTo[member.room] ?? seqs.base);
      lost += memberLost;
      duplicates += seqs.duplicates;
      outOfOrder += seqs.outOfOrder;
      if (memberLost + seqs.duplicates + seqs.outOfOrder > 0) socketsWithErrors++;
      if (member.closeCode !== undefined) closed[member.closeCode] = (closed[member.closeCode] ?? 0) + 1;
    }
    return { sockets: members.length, deliveries: 0, lost, duplicates, outOfOrder, closed, socketsWithErrors };
  },

  async close(): Promise<void> {
    closing = true;
    await closeAll(members.map((member) => member.ws));
    members.length = 0;
    closing = false;
  },
};

export type MemberApi = typeof api;

serve(api);
