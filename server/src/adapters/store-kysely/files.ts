import { sql, type Kysely, type Selectable } from 'kysely';
import type { FileRef } from '../../../../protocol/index.js';
import { fileRefOf, type FileStore, type StoredFile } from '../../ports/file-store.js';
import type { StoredMessage } from '../../ports/store.js';
import type { Database } from './schema.js';

type FileRow = Selectable<Database['files']>;

/**
 * Takes a lock that serializes the quota check and insert of one uploader's files across nodes
 * (PostgreSQL: a transaction-scoped advisory lock). SQLite needs none: Kysely's SQLite driver runs
 * one transaction at a time.
 */
export type UploaderLock = (trx: Kysely<Database>, userId: string) => Promise<void>;

export const postgresUploaderLock: UploaderLock = async (trx, userId) => {
  await sql`select pg_advisory_xact_lock(hashtext(${`parley:files:${userId}`}))`.execute(trx);
};

export function kyselyFiles(db: Kysely<Database>, lockUploader?: UploaderLock): FileStore {
  return {
    async insertFile(file, quotaBytes) {
      return db.transaction().execute(async (trx) => {
        await lockUploader?.(trx, file.uploaderId);
        const used = await usedBy(trx, file.uploaderId);
        if (used + file.size > quotaBytes) return 'quota-exceeded' as const;
        await trx
          .insertInto('files')
          .values({
            id: file.id,
            room: file.room,
            uploader_id: file.uploaderId,
            message_id: file.messageId,
            name: file.name,
            type: file.type,
            size: file.size,
            width: file.width,
            height: file.height,
            blob_key: file.blobKey,
            thumb_key: file.thumbKey,
            created_at: file.createdAt,
          })
          .execute();
        return 'inserted' as const;
      });
    },

    async findFile(id) {
      const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFile(row);
    },

    usedBytes: (userId) => usedBy(db, userId),

    async takeUnattachedBefore(before, limit) {
      const oldest = db
        .selectFrom('files')
        .select('id')
        .where('message_id', 'is', null)
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit);
      // The outer conditions are checked again on the row as it is when deleted (PostgreSQL rechecks
      // them after waiting for a concurrent attach), so a file attached meanwhile stays.
      const rows = await db
        .deleteFrom('files')
        .where('message_id', 'is', null)
        .where('created_at', '<', before)
        .where('id', 'in', oldest)
        .returningAll()
        .execute();
      return rows.map(toFile);
    },
  };
}

async function usedBy(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
    .select(sql<number | string | null>`sum(size)`.as('used'))
    .where('uploader_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.used ?? 0);
}

export function toFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    room: row.room,
    uploaderId: row.uploader_id,
    messageId: row.message_id,
    name: row.name,
    type: row.type,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    blobKey: row.blob_key,
    thumbKey: row.thumb_key,
    createdAt: row.created_at,
  };
}

/** The wire shape of a file row (the order messages list their files in: oldest upload first). */
export function refOfRow(row: Pick<FileRow, 'id' | 'name' | 'type' | 'size' | 'width' | 'height' | 'thumb_key'>) {
  return fileRefOf({ ...row, size: Number(row.size), thumbKey: row.thumb_key });
}

export function byUpload<T extends { created_at: string; id: string }>(a: T, b: T): number {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Attaches the files to the message inside the append's transaction: only rows that are the
 * author's, in the room, and unattached. Answers their wire shapes, or undefined if any id was not
 * such a row (the caller then refuses the append and rolls it back).
 */
export async function attachFiles(
  trx: Kysely<Database>,
  message: { id: string; room: string; userId: string },
  fileIds: readonly string[],
): Promise<FileRef[] | undefined> {
  const rows = await trx
    .updateTable('files')
    .set({ message_id: message.id })
    .where('id', 'in', [...fileIds])
    .where('uploader_id', '=', message.userId)
    .where('room', '=', message.room)
    .where('message_id', 'is', null)
    .returning(['id', 'name', 'type', 'size', 'width', 'height', 'thumb_key', 'created_at'])
    .execute();
  if (rows.length !== new Set(fileIds).size) return undefined;
  return rows.sort(byUpload).map(refOfRow);
}

/** Adds `files` to the messages that have any: one query for the whole page. */
export async function withFiles(db: Kysely<Database>, messages: StoredMessage[]): Promise<StoredMessage[]> {
  const ids = messages.filter((m) => m.deletedAt === null).map((m) => m.id);
  if (ids.length === 0) return messages;
  const rows = await db
    .selectFrom('files')
    .select(['id', 'message_id', 'name', 'type', 'size', 'width', 'height', 'thumb_key', 'created_at'])
    .where('message_id', 'in', ids)
    .execute();
  if (rows.length === 0) return messages;
  const byMessage = new Map<string, FileRef[]>();
  for (const row of rows.sort(byUpload)) {
    const messageId = row.message_id ?? '';
    let list = byMessage.get(messageId);
    if (!list) byMessage.set(messageId, (list = []));
    list.push(refOfRow(row));
  }
  return messages.map((m) => {
    const files = byMessage.get(m.id);
    return files ? { ...m, files } : m;
  });
}
