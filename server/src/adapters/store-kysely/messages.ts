import { sql, type Kysely, type Selectable } from 'kysely';
import type { AppendResult, MessageStore, NewMessage, StoredMessage } from '../../ports/store.js';
import type { Database } from './schema.js';

const MAX_SEQ = 2_147_483_647;

/** A message row joined with its author's username: what every message query reads. */
export type MessageRow = Selectable<Database['messages']> & { username: string };

/**
 * Rooms and messages. The seq is the room's `last_seq` bumped inside the same transaction as the
 * insert, and Kysely's SQLite driver runs one transaction at a time: seqs are gap-free.
 */
export function kyselyMessages(db: Kysely<Database>): MessageStore {
  return {
    async ensureRoom(name, createdAt) {
      await db
        .insertInto('rooms')
        .values({ name, created_at: createdAt })
        .onConflict((c) => c.column('name').doNothing())
        .execute();
    },

    async findRoom(name) {
      const row = await db.selectFrom('rooms').selectAll().where('name', '=', name).executeTakeFirst();
      return row && { name: row.name, lastSeq: row.last_seq, createdAt: row.created_at };
    },

    async listRooms() {
      const rows = await db.selectFrom('rooms').selectAll().orderBy('name').execute();
      return rows.map((row) => ({ name: row.name, lastSeq: row.last_seq, createdAt: row.created_at }));
    },

    async appendMessage(message) {
      try {
        return await appendOnce(db, message);
      } catch (error) {
        // Two concurrent sends with one clientMsgId: the loser's insert hits the unique index and
        // its transaction rolls back (seq included); it answers with the winner's message.
        if (!isUniqueViolation(error)) throw error;
        const existing = await selectMessages(db)
          .where('m.user_id', '=', message.userId)
          .where('m.client_msg_id', '=', message.clientMsgId)
          .executeTakeFirst();
        if (!existing) throw error;
        return { status: 'duplicate' as const, message: toMessage(existing) };
      }
    },

    async messagesAfter(room, afterSeq, limit) {
      const rows = await selectMessages(db)
        .where('m.room', '=', room)
        .where('m.seq', '>', Math.min(afterSeq, MAX_SEQ))
        .orderBy('m.seq', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },

    async messagesBefore(room, beforeSeq, limit) {
      const rows = await selectMessages(db)
        .where('m.room', '=', room)
        // seq is a 32-bit integer column; "before infinity" arrives as MAX_SAFE_INTEGER.
        .where('m.seq', '<', Math.min(beforeSeq, MAX_SEQ))
        .orderBy('m.seq', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map(toMessage);
    },
  };
}

function appendOnce(db: Kysely<Database>, message: NewMessage): Promise<AppendResult> {
  return db.transaction().execute((trx) => appendIn(trx, message));
}

/**
 * Appends several messages in one transaction, in room order (so two nodes' batches lock room rows in
 * the same order and cannot deadlock; within a room, the given order is kept). Answers one result per
 * message, in the given order. Throws if anything fails: nothing of the batch is then stored, and the
 * caller appends each message alone (`appendMessage`), which isolates the one at fault.
 */
export async function appendBatch(db: Kysely<Database>, messages: NewMessage[]): Promise<AppendResult[]> {
  const order = messages.map((message, index) => ({ message, index }));
  order.sort((a, b) =>
    a.message.room < b.message.room ? -1 : a.message.room > b.message.room ? 1 : a.index - b.index,
  );
  return db.transaction().execute(async (trx) => {
    const results: AppendResult[] = new Array<AppendResult>(messages.length);
    for (const { message, index } of order) results[index] = await appendIn(trx, message);
    return results;
  });
}

async function appendIn(trx: Kysely<Database>, message: NewMessage): Promise<AppendResult> {
  const existing = await selectMessages(trx)
    .where('m.user_id', '=', message.userId)
    .where('m.client_msg_id', '=', message.clientMsgId)
    .executeTakeFirst();
  if (existing) return { status: 'duplicate' as const, message: toMessage(existing) };

  const room = await trx
    .updateTable('rooms')
    .set({ last_seq: sql`last_seq + 1` })
    .where('name', '=', message.room)
    .returning('last_seq')
    .executeTakeFirst();
  if (!room) return { status: 'no-room' as const };

  await trx
    .insertInto('messages')
    .values({
      id: message.id,
      room: message.room,
      seq: room.last_seq,
      user_id: message.userId,
      client_msg_id: message.clientMsgId,
      text: message.text,
      created_at: message.createdAt,
    })
    .execute();
  const stored = await selectMessages(trx).where('m.id', '=', message.id).executeTakeFirstOrThrow();
  return { status: 'created' as const, message: toMessage(stored) };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function selectMessages(db: Kysely<Database>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.room', 'm.seq', 'm.user_id', 'm.client_msg_id', 'm.text', 'm.created_at', 'u.username']);
}

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    room: row.room,
    seq: row.seq,
    userId: row.user_id,
    username: row.username,
    clientMsgId: row.client_msg_id,
    text: row.text,
    createdAt: row.created_at,
  };
}
