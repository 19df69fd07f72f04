import { sql, type Kysely } from 'kysely';
import { GENESIS_HASH } from '../../ports/audit-log-store.js';

/**
 * The hash-chained audit log (ADR 0019), the same on SQLite and PostgreSQL: both adapters apply it as
 * a migration of their own list. `audit_head` is one row that every append updates first: on PostgreSQL
 * its row lock serializes appends across nodes, on SQLite that first write takes the write lock; and
 * it records how long the chain is, so rows deleted from its end are noticed.
 */
export async function auditLogUp(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('position', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // Text, not jsonb: the hash covers these exact characters, which jsonb would re-serialize.
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('previous_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_head_single_row', sql`id = 1`)
    .execute();
  await sql`insert into audit_head (id, position, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
}
