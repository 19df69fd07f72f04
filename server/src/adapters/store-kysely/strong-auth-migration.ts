import type { Kysely } from 'kysely';

/**
 * Strong sign-in (issue 16), the same on SQLite (`0008_strong_auth`) and PostgreSQL (`0007_strong_auth`):
 * - `sessions.proof_at`: when the session last proved who holds it (login or step-up); null: never.
 * - `security_events.detail`: a JSON object of facts about an event (a recovery code's remaining count).
 * - `user_totp`: one authenticator per user, its secret encrypted (AES-256-GCM, never the plain
 *   secret); pending until `enabled_at` is set by a first valid code. `last_step` is the last time
 *   step a code was accepted for, so a code is never accepted twice.
 * - `recovery_codes`: SHA-256 of each code, `used_at` set when it is spent.
 * - `second_step_tickets`: SHA-256 of the ticket a password login answers when TOTP is on, bound to
 *   the login's device fingerprint; single use (`used_at`), short-lived (`expires_at`).
 */
export async function strongAuthUp(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('proof_at', 'text').execute();
  await db.schema.alterTable('security_events').addColumn('detail', 'text').execute();
  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'text')
    .addColumn('last_step', 'integer')
    .execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('second_step_tickets')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('fingerprint_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('second_step_tickets_expires').on('second_step_tickets').column('expires_at').execute();
}
