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
 * Migrations live in code (not files found at run time) so the built server carries them.
 * Applied in name order at startup; never edit one that has shipped — add a new one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        // The lower-cased username: uniqueness regardless of case.
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('fingerprint_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
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
      await sql`select 1`.execute(db);
    },
  },
  '0002_sessions_refresh_events': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Sessions opened before this migration have no family or end: they end now.
      await db.schema
        .alterTable('sessions')
        .addColumn('family_id', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('sessions')
        .addColumn('expires_at', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('sessions').addColumn('revoked_reason', 'text').execute();
      await sql`update sessions set family_id = id, expires_at = created_at where family_id = ''`.execute(db);
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
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('session_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('security_events_user').on('security_events').columns(['user_id', 'id']).execute();
      // Append-only: the database itself refuses to change or remove an event.
      await sql`create trigger security_events_no_update before update on security_events
        begin select raise(abort, 'security_events is append-only'); end`.execute(db);
      await sql`create trigger security_events_no_delete before delete on security_events
        begin select raise(abort, 'security_events is append-only'); end`.execute(db);
    },
  },
  '0003_conversations': { up: conversationsUp },
  '0004_authz_rules': { up: authzRulesUp },
  '0005_audit_log': { up: auditLogUp },
  '0006_moderation': { up: moderationUp },
  '0007_suspension': { up: suspensionUp },
  '0008_strong_auth': { up: strongAuthUp },
  '0009_passkeys': { up: passkeysUp },
  '0010_files': { up: filesUp },
  '0012_sso': { up: ssoUp },
};

export const sqliteMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
