/**
 * The Store port: the durable source of truth. Adapters: SQLite (default, one node), PostgreSQL (many nodes).
 *
 * Guarantees every adapter must give (the contract suite in server/test/contract proves them):
 * - `appendMessage` stores the message and assigns its per-room `seq` in ONE transaction; seqs in a
 *   room start at 1, strictly increase and have no gaps, even under concurrent appends.
 * - `appendMessage` is idempotent per (userId, clientMsgId): a repeat returns the stored original
 *   with `created: false` and stores nothing.
 * - When a call resolves, what it wrote is durable; when it rejects, nothing was written.
 * - Usernames are unique regardless of case.
 * - `rotateRefreshToken` spends a token at most once, even under concurrent calls (session-store.ts).
 */
import type { SecurityEventStore } from './security-event-store.js';
import type { SessionStore } from './session-store.js';

export type { StoredSession, StoredRefreshToken, SessionScope } from './session-store.js';
export type { SecurityEvent, SecurityEventKind } from './security-event-store.js';

export interface StoredUser {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: string;
}

export interface StoredMessage {
  id: string;
  room: string;
  seq: number;
  userId: string;
  username: string;
  clientMsgId: string;
  text: string;
  createdAt: string;
}

export interface StoredRoom {
  name: string;
  lastSeq: number;
  createdAt: string;
}

export interface NewMessage {
  id: string;
  room: string;
  userId: string;
  clientMsgId: string;
  text: string;
  createdAt: string;
}

export type AppendResult =
  | { status: 'created'; message: StoredMessage }
  | { status: 'duplicate'; message: StoredMessage }
  | { status: 'no-room' };

export interface UserStore {
  /** Returns 'taken' when the username exists in any letter case. */
  createUser(user: StoredUser): Promise<'created' | 'taken'>;
  /** Case-insensitive lookup. */
  findUserByUsername(username: string): Promise<StoredUser | undefined>;
  findUserById(id: string): Promise<StoredUser | undefined>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
}

export interface MessageStore {
  /** Creates the room if missing; never resets an existing room. */
  ensureRoom(name: string, createdAt: string): Promise<void>;
  findRoom(name: string): Promise<StoredRoom | undefined>;
  listRooms(): Promise<StoredRoom[]>;

  appendMessage(message: NewMessage): Promise<AppendResult>;
  /** Messages with seq > afterSeq, ascending, at most `limit`. */
  messagesAfter(room: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  /** The `limit` newest messages with seq < beforeSeq, returned ascending. */
  messagesBefore(room: string, beforeSeq: number, limit: number): Promise<StoredMessage[]>;
}

/**
 * Thrown by an adapter when the database cannot be reached (connection refused, lost, shutting
 * down). Nothing was written. The edge answers 503 STORE_UNAVAILABLE; the core never acks.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}

/** The whole Store an adapter implements. */
export interface Store extends UserStore, SessionStore, SecurityEventStore, MessageStore {
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
