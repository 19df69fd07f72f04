/**
 * The Store port: the durable source of truth. Adapters: SQLite (default, one node), PostgreSQL (many nodes).
 *
 * Guarantees every adapter must give (the contract suite in server/test/contract proves them):
 * - `appendMessage` stores the message and assigns its per-room `seq` in ONE transaction; seqs in a
 *   room start at 1, strictly increase and have no gaps, even under concurrent appends.
 * - `appendMessage` is idempotent per (userId, clientMsgId): a repeat returns the stored original
 *   with `created: false` and stores nothing. It stores nothing for an author who is not a member of
 *   the room (`not-member`), checked in the same transaction, so a member removed a moment earlier on
 *   another node cannot slip a message in. Messages share the room's seq with its other events
 *   (conversation-store.ts). In that same transaction, on the rows it reads anyway (the room it locks
 *   for the seq, the author's membership), it refuses a muted author (`muted`), a read-only room
 *   (`read-only`) and a second message within the room's slow mode (`slow-mode`, reading the author's
 *   newest message only while slow mode is on) — unless the author's room role is in `exemptRoles`
 *   (read-only and slow mode only; a mute holds for everyone). A refusal stores nothing and takes no seq.
 * - When a call resolves, what it wrote is durable; when it rejects, nothing was written.
 * - Usernames are unique regardless of case.
 * - `rotateRefreshToken` spends a token at most once, even under concurrent calls (session-store.ts).
 */
import type { RoomRole } from '../../../protocol/index.js';
import type { AuthzRuleStore } from './authz-rule-store.js';
import type { AuditLogStore } from './audit-log-store.js';
import type { PasskeyStore } from './passkey-store.js';
import type { SecurityEventStore } from './security-event-store.js';
import type { SecondFactorStore } from './second-factor-store.js';
import type { SessionStore } from './session-store.js';
import type { SsoStore } from './sso-store.js';
import type { ConversationStore, StoredRoom } from './conversation-store.js';

export type { StoredSession, StoredRefreshToken, SessionScope } from './session-store.js';
export type { SecurityEvent, SecurityEventKind } from './security-event-store.js';
export type { StoredTotp, StoredSecondStepTicket } from './second-factor-store.js';
export type * from './conversation-store.js';
export type { PasskeyPurpose, PasskeyStore, StoredPasskey, StoredPasskeyChallenge } from './passkey-store.js';
export type { AuthzRule, AuthzRuleStore } from './authz-rule-store.js';
export type { AuditEntry, AuditHead, NewAuditEntry, LinkedAuditEntry, AuditTargetKind } from './audit-log-store.js';

export interface StoredUser {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: string;
  /** Set by reads while the account is suspended; ignored by `createUser`. */
  suspension?: Suspension | undefined;
}

/** Why and since when an account may not sign in (issue 14). */
export interface Suspension {
  /** ISO 8601 UTC. */
  at: string;
  /** The admin's words; may be empty. */
  reason: string;
  /** The acting admin's user id, or `cli`. */
  by: string;
}

export interface StoredMessage {
  id: string;
  room: string;
  seq: number;
  userId: string;
  username: string;
  clientMsgId: string;
  /** Empty once deleted. */
  text: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  replyToId: string | null;
  /** Ids of the members the message mentions. */
  mentions: string[];
  /** Filled by reads for one viewer: per emoji, how many and whether the viewer is one. */
  reactions?: { emoji: string; count: number; mine: boolean }[];
  /** Filled by reads: the answered message as it is now. */
  replyTo?: { id: string; seq: number; userId: string; username: string; text: string; deleted: boolean };
}

export interface NewMessage {
  id: string;
  room: string;
  userId: string;
  clientMsgId: string;
  text: string;
  createdAt: string;
  replyToId?: string | undefined;
  mentions?: string[] | undefined;
  /**
   * The room roles that are exempt, for this author in this room, from read-only and slow mode (the
   * core asks the policies who may `set_slow_mode`); every role when the author's own grants allow
   * it. The store matches it against the membership row it reads anyway, so a role change holds for
   * the very next message. Absent: nobody is exempt.
   */
  exemptRoles?: readonly RoomRole[] | undefined;
}

export type AppendResult =
  | { status: 'created'; message: StoredMessage }
  | { status: 'duplicate'; message: StoredMessage }
  | { status: 'no-room' }
  | { status: 'not-member' }
  | { status: 'muted'; until: string; reason: string }
  | { status: 'read-only' }
  /** `retryAfter`: whole seconds until the author may write again (at least 1). */
  | { status: 'slow-mode'; retryAfter: number };

export interface UserStore {
  /** Returns 'taken' when the username exists in any letter case. */
  createUser(user: StoredUser): Promise<'created' | 'taken'>;
  /** Case-insensitive lookup. */
  findUserByUsername(username: string): Promise<StoredUser | undefined>;
  findUserById(id: string): Promise<StoredUser | undefined>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  /**
   * Users in username order (regardless of case), at most `limit`, after the user named `after` when
   * given (paging); with `search`, only those whose name contains it in any letter case. Never a
   * password hash.
   */
  listUsers(query: { search?: string | undefined; after?: string | undefined; limit: number }): Promise<UserSummary[]>;
  /**
   * Marks the account suspended, unless it already is (the first suspension's time, reason and
   * actor stay). Answers 'already-suspended' or 'no-user' having written nothing.
   */
  suspendUser(userId: string, suspension: Suspension): Promise<'suspended' | 'already-suspended' | 'no-user'>;
  /** Clears the suspension; 'not-suspended' or 'no-user' having written nothing. */
  unsuspendUser(userId: string): Promise<'unsuspended' | 'not-suspended' | 'no-user'>;
}

/** A user as a list shows them; `suspension` only while suspended. */
export interface UserSummary {
  id: string;
  username: string;
  createdAt: string;
  suspension?: Suspension;
}

export interface MessageStore {
  /** Creates the public room if missing, with no members; never resets an existing room. */
  ensureRoom(name: string, createdAt: string): Promise<void>;
  listRooms(): Promise<StoredRoom[]>;

  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Messages with seq > afterSeq, ascending, at most `limit`, in their current state; with a
   * viewer, with reactions (`mine` for the viewer) and the quote of what they answer.
   */
  messagesAfter(room: string, afterSeq: number, limit: number, viewerId?: string): Promise<StoredMessage[]>;
  /** The `limit` newest messages with seq < beforeSeq, returned ascending; as `messagesAfter`. */
  messagesBefore(room: string, beforeSeq: number, limit: number, viewerId?: string): Promise<StoredMessage[]>;
  /** One message of a room, in its current state. */
  findMessage(room: string, id: string): Promise<StoredMessage | undefined>;
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
export interface Store
  extends
    UserStore,
    SessionStore,
    SecondFactorStore,
    SecurityEventStore,
    MessageStore,
    ConversationStore,
    AuthzRuleStore,
    AuditLogStore,
    PasskeyStore,
    SsoStore {
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
