import type { Kysely } from 'kysely';

/**
 * Room moderation (issue 14): a mute on the membership row (the append already reads it), the room's
 * read-only and slow-mode settings on the room row (the append already locks it), and the bans of a
 * room, which outlive memberships. The same on SQLite and PostgreSQL: SQLite `0006_moderation`,
 * PostgreSQL `0005_moderation`.
 */
export async function moderationUp(db: Kysely<unknown>): Promise<void> {
  // ISO 8601 UTC, compared as text with the message's time; NULL: not muted.
  await db.schema.alterTable('memberships').addColumn('muted_until', 'text').execute();
  await db.schema.alterTable('memberships').addColumn('mute_reason', 'text').execute();
  // 0 or 1 (SQLite has no boolean; one column type for both databases).
  await db.schema
    .alterTable('rooms')
    .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('room_bans')
    .addColumn('room', 'text', (c) => c.notNull().references('rooms.name'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('banned_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('banned_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_bans_pk', ['room', 'user_id'])
    .execute();
  // Slow mode reads the sender's newest message in the room: one index probe instead of a walk
  // back through the room's messages. Read only while slow mode is on; kept by every insert.
  await db.schema.createIndex('messages_room_author').on('messages').columns(['room', 'user_id', 'seq']).execute();
}
