/**
 * The search half of the Store (issue 18): full-text search over the messages of rooms the core has
 * already decided I may read. Adapters: SQLite (FTS5), PostgreSQL (a generated `tsvector` with GIN).
 *
 * Guarantees every adapter gives (the contract suite in server/test/contract/search.contract.ts):
 * - Only messages of `rooms` are ever returned; an empty list returns nothing. The store decides
 *   nothing about access: the core passes exactly the rooms its gate allows.
 * - The index follows the message in the transaction that changes it: an edit is found by its new
 *   words and not its old ones at once, a deleted message (empty text, `deleted_at` set) never.
 * - Every word must appear (AND), matched whole and regardless of letter case; `words` hold only
 *   letters, marks and digits (the core's `searchWords`), so nothing in them is query syntax.
 * - Hits come newest first; `nextCursor`, when present, continues after the last hit with no
 *   duplicate and no gap, even while messages are added meanwhile.
 * - `highlight` is the message's text with any HIGHLIGHT_START / HIGHLIGHT_END already in it removed
 *   and each matched word between those marks. The engine adds no other markup and escapes nothing.
 */
import type { StoredMembership, StoredRoom } from './conversation-store.js';
import type { StoredMessage } from './store.js';

export interface SearchQuery {
  /** At least one word, each of letters, marks and digits only. */
  words: string[];
  /** The rooms to look in (already allowed by the gate). */
  rooms: string[];
  /** Only messages by this user. */
  authorId?: string | undefined;
  /** ISO 8601 UTC (`toISOString()`): created at or after `from`, and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  /** Only messages with at least one attached file. */
  hasFile?: boolean | undefined;
  /** A `nextCursor` from an earlier answer of this store; `searchMessages` refuses one it did not make. */
  cursor?: string | undefined;
  limit: number;
  /** Reactions and quotes are filled for this viewer, as history does. */
  viewerId: string;
}

export interface StoredSearchHit {
  message: StoredMessage;
  highlight: string;
}

export type SearchResult =
  | { status: 'ok'; hits: StoredSearchHit[]; nextCursor?: string | undefined }
  /** The cursor is not one this store made (tampered, or from another store). */
  | { status: 'bad-cursor' };

/** A room I might read: every room I belong to, and every public room (the gate decides). */
export interface SearchCandidate {
  room: StoredRoom;
  membership: StoredMembership | undefined;
}

export interface SearchStore {
  /** Every room `userId` belongs to and every public room, each with their membership if any. */
  searchCandidates(userId: string): Promise<SearchCandidate[]>;
  searchMessages(query: SearchQuery): Promise<SearchResult>;
}
