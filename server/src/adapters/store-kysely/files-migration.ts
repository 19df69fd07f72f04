import type { Kysely } from 'kysely';

/**
 * Files (issue 18): the same on SQLite (0010) and PostgreSQL (0009). A row is written when an
 * upload's bytes are stored; `message_id` is set in the transaction that appends the message that
 * carries it, and the row goes when that message is deleted (or, never attached, when it is old).
 * `size` counts toward the uploader's quota. Times are ISO 8601 text.
 */
export async function filesUp(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room', 'text', (c) => c.notNull().references('rooms.name'))
    .addColumn('uploader_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('message_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    // The blob keys of the bytes and of the thumbnail (null: none).
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('thumb_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_message').on('files').column('message_id').execute();
  await db.schema.createIndex('files_uploader').on('files').column('uploader_id').execute();
  await db.schema.createIndex('files_unattached').on('files').columns(['message_id', 'created_at']).execute();
}
