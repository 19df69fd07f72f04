import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AuditEntry, AuditLogStore, LinkedAuditEntry, NewAuditEntry } from '../../ports/audit-log-store.js';
import type { Database } from '../store-kysely/schema.js';

/**
 * `appendAuditEntry` on SQLite: one synchronous `BEGIN IMMEDIATE` transaction over statements
 * prepared once, run while holding Kysely's only connection (so it never lands inside a Kysely
 * transaction on the same handle).
 *
 * Why not the shared Kysely version: that keeps a transaction open across awaits. Two connections on
 * one file in one process (the tests' two "nodes") then deadlock — better-sqlite3 waits for a lock
 * synchronously, so the holder's next statement never runs. Here the lock is taken and released
 * within one call; another process (the admin CLI beside the server) waits at most busy_timeout for it,
 * and IMMEDIATE takes the write lock before anything is read, so no two appends read the same head.
 */
export function sqliteAuditAppender(
  database: SQLite.Database,
  db: Kysely<Database>,
): AuditLogStore['appendAuditEntry'] {
  const bumpHead = database.prepare<[], { position: number; hash: string }>(
    'update audit_head set position = position + 1 where id = 1 returning position, hash',
  );
  const insert = database.prepare(
    `insert into audit_log (position, at, actor, action, target_kind, target_id, reason, details, previous_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setHeadHash = database.prepare<[string]>('update audit_head set hash = ? where id = 1');

  const append = database.transaction(
    (entry: NewAuditEntry, seal: (linked: LinkedAuditEntry) => string): AuditEntry => {
      const head = bumpHead.get();
      if (!head) throw new Error('audit_head row is missing');
      const linked: LinkedAuditEntry = {
        ...entry,
        target: { ...entry.target },
        position: head.position,
        previousHash: head.hash,
      };
      const hash = seal(linked);
      insert.run(
        linked.position,
        linked.at,
        linked.actor,
        linked.action,
        linked.target.kind,
        linked.target.id,
        linked.reason,
        linked.details,
        linked.previousHash,
        hash,
      );
      setHeadHash.run(hash);
      return { ...linked, hash };
    },
  );

  return (entry, seal) => db.connection().execute(() => Promise.resolve(append.immediate(entry, seal)));
}
