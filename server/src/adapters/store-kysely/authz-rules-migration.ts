import type { Kysely } from 'kysely';

export const AUTHZ_VALUE_COLUMNS = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5'] as const;

/**
 * The table of authorization rules (ADR 0018): Casbin's `ptype, v0..v5`, one row per rule, the
 * whole row its primary key. Missing values are '' rather than NULL, so the key covers every rule
 * (NULLs are never equal: a rule with fewer values could be stored twice). The same on SQLite and
 * PostgreSQL: both adapters apply it as their next migration.
 */
export async function authzRulesUp(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authz_rules')
    .addColumn('ptype', 'text', (c) => c.notNull())
    .addColumn('v0', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('v1', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('v2', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('v3', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('v4', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('v5', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('authz_rules_pk', ['ptype', ...AUTHZ_VALUE_COLUMNS])
    .execute();
}
