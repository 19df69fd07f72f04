import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, AuditLogStore, AuditTargetKind } from '../../ports/audit-log-store.js';
import type { Database } from './schema.js';

/**
 * The audit log over Kysely. The append here is what PostgreSQL runs; SQLite replaces it with one
 * synchronous transaction (store-sqlite/audit-appender.ts) and shares the reads.
 */
export function kyselyAuditLog(db: Kysely<Database>): AuditLogStore {
  return {
    appendAuditEntry(entry, seal) {
      return db.transaction().execute(async (trx) => {
        // The head row first, and as a write: its row lock makes every other node's append wait until
        // we commit; under READ COMMITTED the waiting UPDATE then re-reads the row and sees our head.
        const head = await trx
          .updateTable('audit_head')
          .set((eb) => ({ position: eb('position', '+', 1) }))
          .where('id', '=', 1)
          .returning(['position', 'hash'])
          .executeTakeFirstOrThrow();
        const linked = { ...entry, target: { ...entry.target }, position: head.position, previousHash: head.hash };
        const hash = seal(linked);
        await trx
          .insertInto('audit_log')
          .values({
            position: linked.position,
            at: linked.at,
            actor: linked.actor,
            action: linked.action,
            target_kind: linked.target.kind,
            target_id: linked.target.id,
            reason: linked.reason,
            details: linked.details,
            previous_hash: linked.previousHash,
            hash,
          })
          .execute();
        await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
        return { ...linked, hash };
      });
    },

    async auditEntriesAfter(afterPosition, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('position', '>', afterPosition)
        .orderBy('position', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async auditEntriesBefore(beforePosition, limit) {
      let query = db.selectFrom('audit_log').selectAll();
      if (beforePosition !== undefined) query = query.where('position', '<', beforePosition);
      const rows = await query.orderBy('position', 'desc').limit(limit).execute();
      return rows.map(toEntry);
    },

    async auditHead() {
      const head = await db
        .selectFrom('audit_head')
        .select(['position', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      // The migration writes this row and nothing in the Store deletes it.
      if (!head) throw new Error('the audit_head row is missing: the database was changed outside Parley');
      return { position: head.position, hash: head.hash };
    },
  };
}

function toEntry(row: Selectable<Database['audit_log']>): AuditEntry {
  return {
    position: row.position,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: { kind: row.target_kind as AuditTargetKind, id: row.target_id },
    reason: row.reason,
    details: row.details,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
