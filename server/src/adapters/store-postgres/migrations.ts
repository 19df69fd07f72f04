import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { authzRulesUp } from '../store-kysely/authz-rules-migration.js';
import { auditLogUp } from '../store-kysely/audit-log-migration.js';
import { conversationsUp } from '../store-kysely/conversations-migration.js';
import { moderationUp } from '../store-kysely/moderation-migration.js';
import { filesUp } from '../store-kysely/files-migration.js';
import { passkeysUp } from '../store-kysely/passkeys-migration.js';
import { ssoUp } from '../store-kysely/sso-migration.js';
import { suspensionUp } from '../store-kysely/suspension-migration.js';
import { strongAuthUp } from '../store-kysely/strong-auth-migration.js';

/**
 * PostgreSQL migrations: the same tables as SQLite (times as ISO 8601 text, so both adapters
 * share every query), applied in name order at startup by whichever node comes first; Kysely's
 * migrator takes a lock so two nodes starting together do not race.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('fingerprint_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_family').on('sessions').column('family_id').execute();
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('spent_at', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();
      await db.schema.createIndex('refresh_tokens_expires').on('refresh_tokens').column('expires_at').execute();
      await db.schema
        .createTable('security_events')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('session_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('security_events_user').on('security_events').columns(['user_id', 'id']).execute();
      await sql`create function security_events_append_only() returns trigger language plpgsql as $$
        begin raise exception 'security_events is append-only'; end $$`.execute(db);
      await sql`create trigger security_events_no_change before update or delete on security_events
        for each row execute function security_events_append_only()`.execute(db);
      await db.schema
        .createTable('rooms')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('room', 'text', (c) => c.notNull().references('rooms.name'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('client_msg_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('messages_room_seq', ['room', 'seq'])
        .addUniqueConstraint('messages_user_client_msg', ['user_id', 'client_msg_id'])
        .execute();
    },
  },
  '0002_conversations': { up: conversationsUp },
  '0003_authz_rules': { up: authzRulesUp },
  '0004_audit_log': { up: auditLogUp },
  '0005_moderation': { up: moderationUp },
  '0006_suspension': { up: suspensionUp },
  '0007_strong_auth': { up: strongAuthUp },
  '0008_passkeys': { up: passkeysUp },
  '0009_files': { up: filesUp },
  '0011_sso': { up: ssoUp },
};

export const postgresMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
