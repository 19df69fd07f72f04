/**
 * The audit log: every admin and moderator action, append-only and hash-chained (ADR 0019).
 *
 * Guarantees every adapter must give (server/test/contract/audit-log.contract.ts proves them):
 * - `appendAuditEntry` gives the entry the next position (1, 2, 3… with no gap and no reuse) and the
 *   previous entry's hash, and stores it with the hash `seal` computes over exactly those values — all
 *   in ONE transaction that is serialized against every other append, on every node. Two nodes
 *   appending at once never fork the chain.
 * - There is no way to change or remove an entry through the port: no update, no delete.
 * - The head (position and hash of the newest entry) moves in the same transaction as the insert, so
 *   removing entries from the end behind the Store's back is visible to the verifier.
 */

/** What an entry is about. */
export const AuditTargetKinds = ['user', 'room', 'message', 'policy'] as const;
export type AuditTargetKind = (typeof AuditTargetKinds)[number];

/** The actor of an entry made from the command line rather than by a signed-in user. */
export const CLI_ACTOR = 'cli';

/** The previous hash of entry 1: 64 zeros (no entry hashes to it). */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry as the caller describes it, before it has a place in the chain. */
export interface NewAuditEntry {
  /** ISO 8601 UTC. Positions, not times, order the log: two nodes' clocks may disagree. */
  at: string;
  /** A user id, or CLI_ACTOR. */
  actor: string;
  /** What was done, e.g. `user.suspend`, `message.delete`, `policy.add`. */
  action: string;
  target: { kind: AuditTargetKind; id: string };
  /** Why, in the actor's words; may be empty. */
  reason: string;
  /** Canonical JSON text of an object (sorted keys, no spaces): exactly the text that is hashed. */
  details: string;
}

/** An entry with its place in the chain, as `seal` hashes it. */
export interface LinkedAuditEntry extends NewAuditEntry {
  position: number;
  previousHash: string;
}

export interface AuditEntry extends LinkedAuditEntry {
  /** Lower-case hex SHA-256, see core/audit/audit-hash.ts. */
  hash: string;
}

/** The newest entry's position and hash; position 0 and GENESIS_HASH while the log is empty. */
export interface AuditHead {
  position: number;
  hash: string;
}

export interface AuditLogStore {
  /**
   * Links the entry after the current head, asks `seal` (synchronous, pure) for its hash, stores it and
   * moves the head — one serialized transaction. Resolves with the stored entry.
   */
  appendAuditEntry(entry: NewAuditEntry, seal: (linked: LinkedAuditEntry) => string): Promise<AuditEntry>;
  /** Entries with position > afterPosition, ascending, at most `limit`: what the verifier walks. */
  auditEntriesAfter(afterPosition: number, limit: number): Promise<AuditEntry[]>;
  /** The `limit` newest entries with position < beforePosition (all when undefined), newest first. */
  auditEntriesBefore(beforePosition: number | undefined, limit: number): Promise<AuditEntry[]>;
  auditHead(): Promise<AuditHead>;
}
