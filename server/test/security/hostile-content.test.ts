import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTextBytes, Limits, type Message } from '../../../protocol/index.js';
import { newUser, request, type Session } from '../helpers/http.js';
import { addMembers } from '../helpers/members.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Stored content built to be as large as possible once serialized (control characters, whitespace
 * padding, astral characters, U+2028/U+2029, quotes and backslashes) must never make a room
 * unjoinable: every reply that carries stored messages stays within the reply budget (ADR 0013).
 * Each backend gets a room filled by a hostile sender, then a fresh client joins it, pages it all
 * back and resumes it, with the default send buffer and with the smallest one allowed.
 */
const HOSTILE_MESSAGES = 300;
const HONEST_MESSAGES = 30;
const MIN_BUFFER = 65_536;
const WAIT_MS = 30_000;
const LIMIT: number = Limits.MESSAGE_MAX_BYTES;

const codePoints = (text: string) => [...text].length;

/** `core` repeated as often as the character and byte limits allow, then `pad` filling the bytes left. */
function maximal(core: string, pad: string, place: 'end' | 'both' = 'end', maxCores = Infinity): string {
  const cores = Math.min(
    maxCores,
    Math.floor(Limits.MESSAGE_MAX_CHARS / codePoints(core)),
    Math.floor(LIMIT / jsonTextBytes(core)),
  );
  const body = core.repeat(cores);
  if (pad === '') return body;
  const pads = Math.floor((LIMIT - jsonTextBytes(body)) / jsonTextBytes(pad));
  if (place === 'end') return body + pad.repeat(pads);
  const front = Math.floor(pads / 2);
  return pad.repeat(front) + body + pad.repeat(pads - front);
}

/** Each as costly on the wire as the limits allow, and each accepted. */
const HOSTILE = [
  maximal('\u0001', ''), // 6 bytes a character
  maximal('\u0001\u001f\u007f\u0008', '\n'),
  maximal('x', '\n \t\r', 'both', 1), // whitespace padding around one character
  maximal('😀', '\n'),
  maximal('x', '\u2028\u2029', 'both', 1), // trimmed as whitespace, 3 bytes each
  maximal('"\\', '\t'),
  maximal('\u0001"\\😀\u2028\u007f', '\r\n'),
];

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A client that also records the size of every frame it receives, as sent. */
async function sizedClient(server: TestServer, session: Session): Promise<{ client: TestClient; sizes: number[] }> {
  const client = await connect(server.wsUrl, session);
  const sizes: number[] = [];
  client.ws.on('message', (data: Buffer) => sizes.push(data.length));
  return { client, sizes };
}

/** The awaited frame, or a failure naming the close code if the socket closes first (4408, say). */
function unlessClosed<T>(client: TestClient, frame: Promise<T>): Promise<T> {
  const closed = client.closed.then(({ code, reason }) => {
    throw new Error(`the socket closed with ${code} ${reason}`);
  });
  // Once the frame has won, the socket's later ordinary close must not be an unhandled rejection.
  closed.catch(() => undefined);
  return Promise.race([frame, closed]);
}

function join(client: TestClient, room: string, after?: number) {
  client.send(after === undefined ? { type: 'join', room } : { type: 'join', room, after });
  return unlessClosed(
    client,
    client.next('joined', (frame) => frame.room === room, WAIT_MS),
  );
}

interface Readback {
  /** Seqs in the order the pages delivered them, oldest page first. */
  seqs: number[];
  pages: number;
  smallestPage: number;
}

/** Pages a room back over the socket from `before` to its first message (`first`). */
async function pageOverSocket(client: TestClient, room: string, before: number, first: number): Promise<Readback> {
  const pages: Message[][] = [];
  for (let cursor = before; cursor > first;) {
    client.send({ type: 'history', room, before: cursor, limit: Limits.HISTORY_PAGE_MAX });
    const page = await unlessClosed(
      client,
      client.next('history', (frame) => frame.room === room, WAIT_MS),
    );
    expect(page.messages.length).toBeGreaterThan(0);
    pages.unshift(page.messages);
    cursor = page.messages[0]!.seq;
    expect(page.hasMore).toBe(cursor > first);
  }
  return {
    seqs: pages.flat().map((m) => m.seq),
    pages: pages.length,
    smallestPage: Math.min(...pages.map((p) => p.length)),
  };
}

/** The same over HTTP, from the newest message. */
async function pageOverHttp(
  server: TestServer,
  session: Session,
  room: string,
  first: number,
): Promise<Readback & { bytes: number }> {
  const pages: Message[][] = [];
  let bytes = 0;
  for (let before: number | undefined; before === undefined || before > first;) {
    const query = `limit=${Limits.HISTORY_PAGE_MAX}${before === undefined ? '' : `&before=${before}`}`;
    const response = await fetch(`${server.url}/api/v1/rooms/${room}/messages?${query}`, {
      headers: { authorization: `Bearer ${session.accessToken}`, cookie: session.cookie },
    });
    const raw = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    bytes = Math.max(bytes, raw.length);
    const page = JSON.parse(raw.toString('utf8')) as { messages: Message[]; hasMore: boolean };
    expect(page.messages.length).toBeGreaterThan(0);
    pages.unshift(page.messages);
    before = page.messages[0]!.seq;
    expect(page.hasMore).toBe(before > first);
  }
  return {
    seqs: pages.flat().map((m) => m.seq),
    pages: pages.length,
    smallestPage: Math.min(...pages.map((p) => p.length)),
    bytes,
  };
}

/**
 * What a fresh client must be able to do in a room whose messages have these seqs (other events,
 * members joining, take the seqs between): join, page back to the first message (every message exactly
 * once) over the socket and over HTTP, and resume from `after: 0`, never closed.
 */
async function provesReadable(server: TestServer, room: string, seqs: number[], largest = LIMIT): Promise<void> {
  const total = seqs.at(-1)!;
  const firstSeq = seqs[0]!;
  const ceiling = replyCeiling(server, largest);
  const session = await newUser(server.url, 'carol');
  const { client, sizes } = await sizedClient(server, session);
  let closedWith: number | undefined;
  void client.closed.then(({ code }) => (closedWith = code));

  const joined = await join(client, room);
  expect(joined.complete).toBe(true);
  expect(joined.messages.length).toBeGreaterThan(0);
  expect(joined.messages.at(-1)!.seq).toBe(total);
  const first = joined.messages[0]!.seq;
  const back = await pageOverSocket(client, room, first, firstSeq);
  expect([...back.seqs, ...joined.messages.map((m) => m.seq)]).toEqual(seqs);

  const overHttp = await pageOverHttp(server, session, room, firstSeq);
  expect(overHttp.seqs).toEqual(seqs);
  expect(overHttp.bytes).toBeLessThanOrEqual(ceiling);

  const resumed = await join(client, room, 0);
  if (resumed.complete) expect(resumed.messages.map((m) => m.seq)).toEqual(seqs);
  else expect(resumed.messages.at(-1)!.seq).toBe(total);
  // A short resume that fits is answered in full.
  const recent = await join(client, room, seqs.at(-3));
  expect(recent).toMatchObject({ complete: true });
  expect(recent.messages.map((m) => m.seq)).toEqual(seqs.slice(-2));

  client.send({ type: 'ping' });
  await client.next('pong', () => true, WAIT_MS);
  expect(closedWith).toBeUndefined();
  expect(client.ws.readyState).toBe(WebSocket.OPEN);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(ceiling);
  if (process.env['PARLEY_REPORT']) {
    const report = {
      room,
      buffer: server.config.wsMaxBufferedBytes,
      budget: server.config.replyMaxBytes,
      largestFrame: Math.max(...sizes),
      largestHttpPage: overHttp.bytes,
      joinedMessages: joined.messages.length,
      socketPages: back.pages,
      smallestSocketPage: back.smallestPage,
      httpPages: overHttp.pages,
      resumeComplete: resumed.complete,
      resumeMessages: resumed.messages.length,
    };
    process.stdout.write(`hostile-content figures ${JSON.stringify(report)}\n`);
  }
  await client.close();
}

/**
 * A reply's messages stay within the budget unless one message alone is larger (`largest` bytes of
 * text as JSON); the rest of the frame (type, room, flags, a short online list) is small.
 */
function replyCeiling(server: TestServer, largest: number): number {
  const messages = Math.max(server.config.replyMaxBytes, largest + Limits.MESSAGE_FRAME_OVERHEAD_MAX);
  return Math.min(messages + 4096, server.config.wsMaxBufferedBytes);
}

interface Backend {
  env: Record<string, string>;
  dataDir: string;
  dispose(): Promise<void>;
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  [
    'SQLite',
    () => {
      const dir = tempDir('parley-hostile-');
      return Promise.resolve({ env: {}, dataDir: dir.path, dispose: () => Promise.resolve(dir.remove()) });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTempDatabase();
      const dir = tempDir('parley-hostile-');
      return {
        env: { DATABASE_URL: database.url },
        dataDir: dir.path,
        dispose: async () => {
          await database.drop();
          dir.remove();
        },
      };
    },
  ],
];

describe.each(BACKENDS)('hostile stored content on %s', (_name, open) => {
  let backend: Backend;
  let server: TestServer;
  /** A second node on the same database with the smallest send buffer allowed. */
  let small: TestServer;
  /** The seqs of every message in `general`, ascending. */
  let messageSeqs: number[] = [];
  let honest: { acked: Message[]; bobSeqs: number[]; bobJoinedUpTo: number; errors: unknown[] };

  beforeAll(async () => {
    backend = await open();
    const env = { LOG_LEVEL: 'warn', ...backend.env };
    server = await startServer({ env, dataDir: backend.dataDir });
    small = await startServer({ env: { ...env, WS_MAX_BUFFERED_BYTES: String(MIN_BUFFER) }, dataDir: backend.dataDir });

    // An honest pair chats in the room while a hostile sender fills it.
    const [mallory, alice, bob] = await Promise.all(['mallory', 'alice', 'bob'].map((p) => newUser(server.url, p)));
    const m = await connect(server.wsUrl, mallory!);
    const a = await connect(server.wsUrl, alice!);
    const b = await connect(server.wsUrl, bob!);
    await Promise.all([join(m, 'general'), join(a, 'general')]);
    const bobJoined = await join(b, 'general');

    const fill = async () => {
      for (let i = 0; i < HOSTILE_MESSAGES; i += 20) {
        const batch = range(i, Math.min(HOSTILE_MESSAGES, i + 20) - 1);
        await Promise.all(batch.map((n) => m.sendText(HOSTILE[n % HOSTILE.length]!, 'general')));
      }
    };
    const chat = async () => {
      const acked: Message[] = [];
      for (let i = 0; i < HONEST_MESSAGES; i++) {
        const ack = await a.sendText(`honest ${i}`);
        acked.push(ack.message);
        await b.next('message', (f) => f.message.id === ack.message.id, WAIT_MS);
      }
      return acked;
    };
    const [, acked] = await Promise.all([fill(), chat()]);
    const last = await m.sendText('the end', 'general');
    await b.next('message', (f) => f.message.id === last.message.id, WAIT_MS);
    messageSeqs = (await server.app.core.ctx.store.messagesAfter('general', 0, 10_000)).map((m) => m.seq);
    expect(messageSeqs.at(-1)).toBe(last.message.seq);
    honest = {
      acked,
      bobSeqs: b.framesOf('message').map((f) => f.message.seq),
      bobJoinedUpTo: bobJoined.lastSeq ?? 0,
      errors: [...a.framesOf('error'), ...b.framesOf('error'), ...m.framesOf('error')],
    };
    await Promise.all([m.close(), a.close(), b.close()]);
  }, 240_000);

  afterAll(async () => {
    await small?.close();
    await server?.close();
    await backend?.dispose();
  });

  it('every hostile message is within the limits and accepted', () => {
    for (const text of HOSTILE) {
      expect(jsonTextBytes(text)).toBeLessThanOrEqual(LIMIT);
      expect(jsonTextBytes(text)).toBeGreaterThan(LIMIT - 16);
      expect(codePoints(text.trim())).toBeLessThanOrEqual(Limits.MESSAGE_MAX_CHARS);
    }
    expect(messageSeqs).toHaveLength(HOSTILE_MESSAGES + HONEST_MESSAGES + 1);
  });

  it('an honest pair keeps chatting while the room fills: nothing lost, nothing doubled, no error', () => {
    expect(honest.errors).toEqual([]);
    expect(honest.acked).toHaveLength(HONEST_MESSAGES);
    // Bob saw every message stored after his join, once each, in order: the hostile ones too.
    expect(honest.bobSeqs).toEqual(messageSeqs.filter((seq) => seq > honest.bobJoinedUpTo));
  });

  it('a fresh client joins, pages back to seq 1 and resumes from 0, with the default 1 MiB buffer', async () => {
    expect(server.config.wsMaxBufferedBytes).toBe(1_048_576);
    await provesReadable(server, 'general', messageSeqs);
  });

  it('the same with the smallest send buffer allowed (65536 bytes)', async () => {
    expect(small.config.wsMaxBufferedBytes).toBe(MIN_BUFFER);
    await provesReadable(small, 'general', messageSeqs);
  });

  it('refuses a message over the byte limit with MESSAGE_TOO_LONG and stores nothing', async () => {
    const session = await newUser(server.url, 'eve');
    const client = await connect(server.wsUrl, session);
    await join(client, 'general');
    const lastSeq = async () => {
      const rooms = await request<{ rooms: { name: string; lastSeq: number }[] }>(`${server.url}/api/v1/rooms`, {
        token: session.accessToken,
        cookie: session.cookie,
      });
      return rooms.body.rooms.find((r) => r.name === 'general')!.lastSeq;
    };
    const before = await lastSeq();
    const over = [
      '\u0001'.repeat(Math.floor(LIMIT / 6) + 1),
      `${'\n'.repeat(LIMIT / 2)}x`, // 1 character after trimming, LIMIT + 1 bytes as sent
      `${'😀'.repeat(4000)}${' '.repeat(LIMIT - 16_000 + 1)}`,
      `${'\u2028'.repeat(Math.floor(LIMIT / 3))}xy`,
    ];
    for (const [i, text] of over.entries()) {
      expect(jsonTextBytes(text)).toBeGreaterThan(LIMIT);
      client.send({ type: 'send', room: 'general', text, clientMsgId: `over-${i}` });
      const error = await client.next('error', (f) => f.ref === `over-${i}`, WAIT_MS);
      expect(error.code).toBe('MESSAGE_TOO_LONG');
      expect(error.message).toContain(`${LIMIT} bytes`);
    }
    await client.sendText('still here');
    expect(await lastSeq()).toBe(before + 1);
    expect(client.framesOf('ack').map((f) => f.message.text)).toEqual(['still here']);
    await client.close();
  });

  it('accepts legit maximal messages and reads them back byte for byte', async () => {
    const room = 'legit';
    await server.app.core.ctx.store.ensureRoom(room, new Date().toISOString());
    const session = await newUser(server.url, 'dana');
    const client = await connect(server.wsUrl, session);
    await join(client, room);
    const code = 'if (a === "b\\t") {\n\treturn \'c\';\n}\n';
    const legit = [
      '😀'.repeat(4000),
      '👩‍👩‍👧'.repeat(800), // 5 code points each
      '中'.repeat(4000),
      code.repeat(Math.floor(4000 / codePoints(code))),
      `  ${'"quoted" \\path\\ '.repeat(200).trim()}\n\n`,
    ];
    const sent: string[] = [];
    for (const text of legit) {
      expect(jsonTextBytes(text)).toBeLessThanOrEqual(LIMIT);
      const ack = await client.sendText(text, room);
      expect(ack.message.text).toBe(text);
      sent.push(text);
    }
    const overHttp = await request<{ messages: Message[] }>(`${server.url}/api/v1/rooms/${room}/messages?limit=100`, {
      token: session.accessToken,
      cookie: session.cookie,
    });
    expect(overHttp.body.messages.map((m) => m.text)).toEqual(sent);
    const fresh = await connect(server.wsUrl, session);
    const joined = await join(fresh, room);
    expect(joined.messages.map((m) => m.text)).toEqual(sent);
    await Promise.all([client.close(), fresh.close()]);
  });

  it('a pre-existing oversized message, stored before the byte limit, still pages', async () => {
    const session = await newUser(server.url, 'olde');
    const store = server.app.core.ctx.store;
    const now = new Date().toISOString();
    // 16000 controls (96000 bytes as JSON) fitted the old bound; 10000 (60000 bytes) is what the
    // smallest send buffer can still carry in one frame.
    const rooms: [string, TestServer, string][] = [
      ['legacy', server, '\u0001'.repeat(16_000)],
      ['legacy-small', small, '\u0001'.repeat(10_000)],
    ];
    for (const [room, node, huge] of rooms) {
      await store.ensureRoom(room, now);
      await addMembers(store, room, session.user.id);
      const texts = ['a', huge, 'b', 'c', huge, huge, 'd', ...HOSTILE, 'e'];
      for (const [i, text] of texts.entries()) {
        const result = await store.appendMessage({
          id: crypto.randomUUID(),
          room,
          userId: session.user.id,
          clientMsgId: `${room}-${i}`,
          text,
          createdAt: now,
        });
        expect(result.status).toBe('created');
      }
      // Seq 1 is the author's member_join; the messages follow.
      await provesReadable(node, room, range(2, texts.length + 1), jsonTextBytes(huge));
      // The stored text comes back unchanged, however large.
      const reader = await newUser(node.url, 'reader');
      const page = await request<{ messages: Message[] }>(
        `${node.url}/api/v1/rooms/${room}/messages?before=4&limit=1`,
        {
          token: reader.accessToken,
          cookie: reader.cookie,
        },
      );
      expect(page.body.messages.map((m) => m.text)).toEqual([huge]);
    }
  });
});
