import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Room, ServerFrame } from '../../../protocol/index.js';
import type { TestClient } from './ws-client.js';
import { request, type JsonResponse, type Session } from './http.js';
import { createTempDatabase } from './postgres.js';
import { rawPostgres, rawSqlite, type RawDb } from './raw-db.js';
import { startServer, type TestServer, type TestServerOptions } from './server.js';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/** Room creation is limited per user and hour; tests that do not prove that limit lift it. */
export const GENEROUS_ROOM_LIMITS: Record<string, string> = {
  RATE_LIMIT_ROOMS_PER_HOUR: '100000',
  RATE_LIMIT_DMS_PER_HOUR: '100000',
};

export interface ConversationServer {
  server: TestServer;
  /** The server's database read behind its back (its SQLite file, or its own PostgreSQL database). */
  raw: RawDb;
  close(): Promise<void>;
}

/** One server on SQLite (its own file) or on PostgreSQL (its own database, dropped at close). */
export async function startServerOn(kind: StoreKind, options: TestServerOptions = {}): Promise<ConversationServer> {
  const env = { ...GENEROUS_ROOM_LIMITS, ...options.env };
  const database = kind === 'postgres' ? await createTempDatabase() : undefined;
  const server = await startServer({ ...options, env: database ? { ...env, DATABASE_URL: database.url } : env });
  const raw = database ? await rawPostgres(database.url) : rawSqlite(join(server.dataDir, 'parley.db'));
  return {
    server,
    raw,
    async close() {
      await raw.close();
      await server.close();
      await database?.drop();
    },
  };
}

/**
 * One server for the enclosing describe block: started before its tests, closed after them. The
 * object is filled in by `beforeAll`, so read its fields inside tests, not at describe time.
 */
export function serverForSuite(kind: StoreKind, options: TestServerOptions = {}): ConversationServer {
  const holder = {} as ConversationServer;
  beforeAll(async () => {
    Object.assign(holder, await startServerOn(kind, options));
  }, 90_000);
  afterAll(async () => {
    await holder.close();
  });
  return holder;
}

export interface ErrorAnswer {
  error: { code: string; message: string };
}

/** The REST calls of one signed-in person. */
export function restAs(base: string, session: Session) {
  const call = <T>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> =>
    request<T>(`${base}/api/v1${path}`, {
      method,
      ...(body === undefined ? {} : { body }),
      token: session.accessToken,
      cookie: session.cookie,
    });
  return {
    get: <T = unknown>(path: string) => call<T>('GET', path),
    post: <T = unknown>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    patch: <T = unknown>(path: string, body: unknown) => call<T>('PATCH', path, body),
    delete: <T = unknown>(path: string) => call<T>('DELETE', path),
    async createRoom(name: string, visibility: 'public' | 'private' = 'public', topic?: string): Promise<Room> {
      const response = await call<{ room: Room }>('POST', '/rooms', {
        name,
        visibility,
        ...(topic === undefined ? {} : { topic }),
      });
      if (response.status !== 201)
        throw new Error(`create ${name}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.room;
    },
    async invite(room: string, username: string): Promise<Room> {
      const response = await call<{ room: Room }>('POST', `/rooms/${room}/members`, { username });
      if (response.status !== 200)
        throw new Error(`invite ${username}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.room;
    },
    async openDm(username: string): Promise<Room> {
      const response = await call<{ room: Room }>('POST', '/dms', { username });
      if (response.status !== 200)
        throw new Error(`dm ${username}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.room;
    },
    async rooms(): Promise<Room[]> {
      const response = await call<{ rooms: Room[] }>('GET', '/rooms');
      if (response.status !== 200) throw new Error(`rooms: ${response.status}`);
      return response.body.rooms;
    },
    async room(name: string): Promise<Room | undefined> {
      return (await this.rooms()).find((r) => r.name === name);
    },
  };
}
export type Rest = ReturnType<typeof restAs>;

let rooms = 0;
/** A fresh valid room name for this process. */
export function roomName(prefix = 'room'): string {
  rooms += 1;
  return `${prefix}-${process.pid}-${rooms}`.slice(0, 32);
}

/**
 * What a room sent a socket after the socket's `left` frame for it (throws if there is none). Only
 * the room's own frames count: `rooms-changed` is about my list of rooms (it may come after `left`,
 * through the bus, from the node that made the change), and `error` answers my own frames.
 */
export function roomFramesAfterLeft(client: TestClient, room: string): ServerFrame[] {
  const at = client.frames.findIndex((f) => f.type === 'left' && f.room === room);
  if (at < 0) throw new Error(`no left frame for ${room}`);
  return client.frames
    .slice(at + 1)
    .filter((f) => f.type !== 'rooms-changed' && f.type !== 'error' && JSON.stringify(f).includes(`"room":"${room}"`));
}
