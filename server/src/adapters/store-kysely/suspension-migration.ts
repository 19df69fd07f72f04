import type { Kysely } from 'kysely';

/**
 * Suspension (issue 14): three nullable columns on `users`, all null while the account is in good
 * standing. `suspended_by` is the acting admin's user id, or `cli`. The same on SQLite
 * (`0007_suspension`) and PostgreSQL (`0006_suspension`).
 */
export async function suspensionUp(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('users').addColumn('suspended_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('suspended_reason', 'text').execute();
  await db.schema.alterTable('users').addColumn('suspended_by', 'text').execute();
}
