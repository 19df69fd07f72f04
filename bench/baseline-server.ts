/**
 * The baseline: the least a `ws` chat server must do to speak the same frames. No auth, no storage,
 * no validation beyond JSON.parse. On `send` it stamps the room's next seq, acks the sender and
 * broadcasts one serialization of `{type:"message"}` to the rest of the room. `POST
 * /api/v1/auth/login` is one bcrypt compare at BCRYPT_COST (the floor of any password login), and
 * `GET /health` answers at once. It logs one JSON line with its URL when it is listening.
 *
 *   PORT=0 BCRYPT_COST=12 node --import tsx bench/baseline-server.ts
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcrypt';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { BENCH_PASSWORD } from './accounts.js';

interface Client {
  ws: WebSocket;
  user: { id: string; username: string; color: string };
  rooms: Set<Room>;
}

interface Room {
  name: string;
  seq: number;
  members: Set<Client>;
}

const cost = Number(process.env['BCRYPT_COST'] ?? '12');
const passwordHash = await bcrypt.hash(BENCH_PASSWORD, cost);
const rooms = new Map<string, Room>();
let clientCount = 0;

const http = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') return json(response, 200, { status: 'ok' });
  if (request.method === 'POST' && request.url === '/api/v1/auth/login') {
    readBody(request)
      .then(async (body) => {
        const { password } = JSON.parse(body) as { password?: string };
        const ok = await bcrypt.compare(password ?? '', passwordHash);
        json(response, ok ? 200 : 401, ok ? { accessToken: randomUUID(), refreshToken: randomUUID() } : {});
      })
      .catch(() => json(response, 400, { error: { code: 'BAD_REQUEST', message: 'Bad request.' } }));
    return;
  }
  json(response, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
});

const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 65_536,
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has('parley.v1') ? 'parley.v1' : false),
});

http.on('upgrade', (request, socket, head) => {
  if ((request.url ?? '').split('?')[0] !== '/api/v1/ws') return socket.destroy();
  wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
});

function accept(ws: WebSocket): void {
  clientCount++;
  const user = { id: randomUUID(), username: `anon_${clientCount}`, color: '#33ff66' };
  const client: Client = { ws, user, rooms: new Set() };
  ws.on('message', (data) => handle(client, data));
  ws.on('close', () => {
    for (const room of client.rooms) room.members.delete(client);
  });
  ws.on('error', () => ws.terminate());
  ws.send(JSON.stringify({ type: 'ready', user, sessionId: randomUUID() }));
}

function handle(client: Client, data: RawData): void {
  let frame: { type?: string; room?: string; text?: string; clientMsgId?: string };
  try {
    frame = JSON.parse((data as Buffer).toString('utf8')) as typeof frame;
  } catch {
    return;
  }
  if (frame.type === 'ping') return client.ws.send('{"type":"pong"}');
  if (typeof frame.room !== 'string') return;
  const room = roomOf(frame.room);
  if (frame.type === 'join') {
    room.members.add(client);
    client.rooms.add(room);
    client.ws.send(JSON.stringify({ type: 'joined', room: room.name, messages: [], complete: true, online: [] }));
  } else if (frame.type === 'leave') {
    room.members.delete(client);
    client.rooms.delete(room);
  } else if (frame.type === 'send' && room.members.has(client)) {
    room.seq++;
    const message = {
      id: randomUUID(),
      room: room.name,
      seq: room.seq,
      user: client.user,
      text: frame.text,
      createdAt: new Date().toISOString(),
    };
    client.ws.send(JSON.stringify({ type: 'ack', clientMsgId: frame.clientMsgId, message }));
    const bytes = Buffer.from(JSON.stringify({ type: 'message', message }));
    for (const member of room.members) if (member !== client) member.ws.send(bytes);
  }
}

function roomOf(name: string): Room {
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = { name, seq: 0, members: new Set() }));
  return room;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

http.listen(Number(process.env['PORT'] ?? '0'), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'baseline is listening', url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
