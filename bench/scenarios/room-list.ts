/**
 * roomlist: `GET /api/v1/rooms` for a user who belongs to many rooms (500 by default), with unread
 * messages and mentions spread over them and read markers in a third of them. It is timed one request
 * after another on a kept-alive connection, beside two references on the same server in the same
 * run: the same route for a user in one room (it lists the same public rooms) and `GET /health`.
 * The three take turns in blocks of ten, so they share the machine's drift. Parley only: the
 * baseline has no rooms to list. Target: p99 under 50 ms (issue 12).
 */
import { Agent, request } from 'node:http';
import type WebSocket from 'ws';
import { callApi, mapLimited, type Credential } from '../accounts.js';
import { processCpuSeconds } from '../cpu.js';
import type { BenchOptions } from '../options.js';
import { Histogram, nowUs, round } from '../stats.js';
import { startParley } from '../targets.js';
import { openSocket } from '../workers/socket.js';

export interface RequestFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpuMsPerRequest: number;
  responseKb: number;
}

export interface RoomListResult {
  store: 'sqlite' | 'postgres';
  rooms: number;
  messages: number;
  mentions: number;
  requests: number;
  setupSeconds: number;
  /** The user in `rooms` rooms. */
  many: RequestFigures;
  /** A user in one room. */
  one: RequestFigures;
  health: RequestFigures;
}

const OWNERS = 10;
const BLOCK = 10;

export async function runRoomList(options: BenchOptions): Promise<RoomListResult[]> {
  const results: RoomListResult[] = [];
  for (const store of options.roomList.stores) {
    console.log(`-- parley on ${store}`);
    results.push(await runOn(store, options));
  }
  return results;
}

async function runOn(store: RoomListResult['store'], options: BenchOptions): Promise<RoomListResult> {
  const started = performance.now();
  const n = options.roomList.rooms;
  const target = await startParley({ bcryptCost: 4, postgres: store === 'postgres' });
  try {
    const base = target.nodes[0]!.url;
    const [reader, lonely, ...owners] = await target.credentials('list', 2 + OWNERS);
    const rooms = Array.from({ length: n }, (_, i) => ({
      name: `l${i}`,
      owner: owners[i % OWNERS]!,
      private: i % 5 === 4,
    }));
    await mapLimited(rooms, 8, async (room) => {
      await callApi(base, room.owner, 'POST', '/api/v1/rooms', {
        name: room.name,
        visibility: room.private ? 'private' : 'public',
      });
      if (room.private) {
        await callApi(base, room.owner, 'POST', `/api/v1/rooms/${room.name}/members`, { username: reader!.username });
      } else {
        await callApi(base, reader!, 'POST', `/api/v1/rooms/${room.name}/join`);
      }
    });
    await callApi(base, lonely!, 'POST', `/api/v1/rooms/${rooms[0]!.name}/join`);

    // Room i gets 1 + i % 10 messages from its owner; about one in seven mentions the reader.
    let messages = 0;
    let mentions = 0;
    const firstSeq = new Map<string, number>();
    await Promise.all(
      owners.map(async (owner, o) => {
        const talk = await ChatSocket.open(target.nodes[0]!.wsUrl, owner);
        for (const [i, room] of rooms.entries()) {
          if (i % OWNERS !== o) continue;
          await talk.call({ type: 'join', room: room.name }, 'joined');
          for (let j = 0; j <= i % 10; j++) {
            const mention = (i + j) % 7 === 0;
            const text = mention ? `@${reader!.username} look at #${j}` : `message #${j}`;
            const ack = await talk.call({ type: 'send', room: room.name, text, clientMsgId: `m${i}-${j}` }, 'ack');
            if (j === 0) firstSeq.set(room.name, (ack as { message: { seq: number } }).message.seq);
            messages++;
            if (mention) mentions++;
          }
        }
        talk.close();
      }),
    );
    // A third of the rooms read up to their first message: their unread counts start after it.
    await mapLimited(
      rooms.filter((_, i) => i % 3 === 0),
      8,
      (room) => callApi(base, reader!, 'POST', `/api/v1/rooms/${room.name}/read`, { seq: firstSeq.get(room.name) }),
    );
    const listed = await callApi<{ rooms: { member: boolean; unread?: number; mentions?: number }[] }>(
      base,
      reader!,
      'GET',
      '/api/v1/rooms',
    );
    const mine = listed.rooms.filter((room) => room.member);
    if (mine.length !== n) throw new Error(`GET /rooms listed ${mine.length} of the reader's ${n} rooms`);
    console.log(
      `   ${n} rooms, ${messages} messages, ${mentions} mentions; listed unread ` +
        `${mine.reduce((sum, room) => sum + (room.unread ?? 0), 0)}, mentions ` +
        `${mine.reduce((sum, room) => sum + (room.mentions ?? 0), 0)}`,
    );
    const setupSeconds = round((performance.now() - started) / 1000, 1);

    const probes = [
      new Probe(`${base}/api/v1/rooms`, reader),
      new Probe(`${base}/api/v1/rooms`, lonely),
      new Probe(`${base}/health`, undefined),
    ] as const;
    const serverPid = target.nodes[0]!.pid;
    for (const probe of probes) await probe.block(BLOCK * 2, serverPid, false); // warm-up
    for (let done = 0; done < options.roomList.requests; done += BLOCK) {
      for (const probe of probes) await probe.block(BLOCK, serverPid, true);
    }
    const [many, one, health] = probes.map((probe) => probe.figures());
    for (const probe of probes) probe.close();
    const result = {
      store,
      rooms: n,
      messages,
      mentions,
      requests: options.roomList.requests,
      setupSeconds,
      many: many!,
      one: one!,
      health: health!,
    };
    console.log(
      `   GET /rooms (${n} rooms) p50 ${result.many.p50Ms} ms, p99 ${result.many.p99Ms} ms; ` +
        `(1 room) p99 ${result.one.p99Ms} ms; /health p99 ${result.health.p99Ms} ms`,
    );
    return result;
  } finally {
    await target.stop();
  }
}

/** One kind of request, timed one at a time on its own kept-alive connection. */
class Probe {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly latency = new Histogram();
  private cpuSeconds = 0;
  private bytes = 0;

  constructor(
    private readonly url: string,
    private readonly credential: Credential | undefined,
  ) {}

  async block(count: number, serverPid: number, record: boolean): Promise<void> {
    const cpuBefore = processCpuSeconds(serverPid);
    for (let i = 0; i < count; i++) {
      const begun = nowUs();
      const bytes = await this.get();
      if (!record) continue;
      this.latency.record(nowUs() - begun);
      this.bytes = bytes;
    }
    if (record) this.cpuSeconds += processCpuSeconds(serverPid) - cpuBefore;
  }

  figures(): RequestFigures {
    const summary = this.latency.summary();
    return {
      p50Ms: summary.p50,
      p95Ms: summary.p95,
      p99Ms: summary.p99,
      maxMs: summary.max,
      serverCpuMsPerRequest: round((this.cpuSeconds * 1000) / Math.max(1, summary.count), 2),
      responseKb: round(this.bytes / 1024, 1),
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private get(): Promise<number> {
    const headers = this.credential
      ? { authorization: `Bearer ${this.credential.accessToken}`, cookie: this.credential.cookie }
      : undefined;
    return new Promise((resolve, reject) => {
      const req = request(this.url, { agent: this.agent, headers }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          response.statusCode === 200 ? resolve(bytes) : reject(new Error(`${this.url}: ${response.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** A setup-time socket that sends a frame and waits for the answer of a type (JSON-parsed: not timed). */
class ChatSocket {
  private waiter: { type: string; resolve: (frame: unknown) => void; reject: (error: Error) => void } | undefined;

  private constructor(private ws: WebSocket | undefined) {}

  static async open(url: string, credential: Credential): Promise<ChatSocket> {
    const socket = new ChatSocket(undefined);
    const open = await openSocket(
      { url, credential, timeoutMs: 30_000 },
      (data) => socket.onFrame(data),
      () => undefined,
    );
    socket.ws = open.ws;
    return socket;
  }

  call(frame: Record<string, unknown>, answer: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiter = { type: answer, resolve, reject };
      this.ws!.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.ws?.close(1000);
  }

  private onFrame(data: Buffer): void {
    const frame = JSON.parse(data.toString('utf8')) as { type: string; code?: string };
    if (!this.waiter) return;
    if (frame.type === 'error') this.waiter.reject(new Error(`refused: ${frame.code}`));
    else if (frame.type === this.waiter.type) this.waiter.resolve(frame);
    else return;
    this.waiter = undefined;
  }
}
