import { sql, type Kysely, type Selectable } from 'kysely';
import type { AppendResult, MessageStore, NewMessage, StoredMessage } from '../../ports/store.js';
import { AppendRefused, muteOrReadOnly, slowMode } from './append-checks.js';
import { attachFiles, withFiles } from './files.js';
import type { Database } from './schema.js';

export const MAX_SEQ = 2_147_483_647;

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

    async listRooms() {
      const rows = await db.selectFrom('rooms').selectAll().orderBy('name').execute();
      return rows.map(toRoom);
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
        return { status: 'duplicate' as const, message: await duplicateOf(db, existing) };
      }
    },

    async messagesAfter(room, afterSeq, limit, viewerId) {
      const rows = await selectMessages(db)
        .where('m.room', '=', room)
        .where('m.seq', '>', Math.min(afterSeq, MAX_SEQ))
        .orderBy('m.seq', 'asc')
        .limit(limit)
        .execute();
      return withFiles(db, await hydrate(db, rows.map(toMessage), viewerId));
    },

    async messagesBefore(room, beforeSeq, limit, viewerId) {
      const rows = await selectMessages(db)
        .where('m.room', '=', room)
        // seq is a 32-bit integer column; "before infinity" arrives as MAX_SAFE_INTEGER.
        .where('m.seq', '<', Math.min(beforeSeq, MAX_SEQ))
        .orderBy('m.seq', 'desc')
        .limit(limit)
        .execute();
      return withFiles(db, await hydrate(db, rows.reverse().map(toMessage), viewerId));
    },

    async findMessage(room, id) {
      const row = await selectMessages(db).where('m.room', '=', room).where('m.id', '=', id).executeTakeFirst();
      return row && (await withFiles(db, [toMessage(row)]))[0];
    },
  };
}

export function toRoom(row: Selectable<Database['rooms']>) {
  return {
    name: row.name,
    kind: row.kind as 'room' | 'dm',
    visibility: row.visibility as 'public' | 'private',
    topic: row.topic,
    lastSeq: row.last_seq,
    memberCount: row.member_count,
    createdAt: row.created_at,
    createdBy: row.created_by,
    readOnly: row.read_only !== 0,
    slowModeSeconds: row.slow_mode_seconds,
  };
}

/** Adds, for one viewer, the reactions on each message and the quote of what it answers. */
async function hydrate(db: Kysely<Database>, messages: StoredMessage[], viewerId?: string): Promise<StoredMessage[]> {
  if (viewerId === undefined || messages.length === 0) return messages;
  const ids = messages.map((m) => m.id);
  const reactions = await db
    .selectFrom('reactions')
    .select([
      'message_id',
      'emoji',
      sql<number>`count(*)`.as('count'),
      sql<number>`sum(case when user_id = ${viewerId} then 1 else 0 end)`.as('mine'),
      sql<string>`min(created_at)`.as('first_at'),
    ])
    .where('message_id', 'in', ids)
    .groupBy(['message_id', 'emoji'])
    .orderBy('first_at')
    .orderBy('emoji')
    .execute();
  const byMessage = new Map<string, { emoji: string; count: number; mine: boolean }[]>();
  for (const r of reactions) {
    let list = byMessage.get(r.message_id);
    if (!list) byMessage.set(r.message_id, (list = []));
    list.push({ emoji: r.emoji, count: Number(r.count), mine: Number(r.mine) > 0 });
  }
  const answered = [...new Set(messages.flatMap((m) => (m.replyToId ? [m.replyToId] : [])))];
  const quotes = new Map<string, StoredMessage>();
  if (answered.length > 0) {
    const rows = await selectMessages(db).where('m.id', 'in', answered).execute();
    for (const row of rows) quotes.set(row.id, toMessage(row));
  }
  return messages.map((m) => {
    const quoted = m.replyToId ? quotes.get(m.replyToId) : undefined;
    return { ...m, reactions: byMessage.get(m.id) ?? [], ...(quoted ? { replyTo: quoteOf(quoted) } : {}) };
  });
}

async function appendOnce(db: Kysely<Database>, message: NewMessage): Promise<AppendResult> {
  try {
    return await db.transaction().execute((trx) => appendIn(trx, message));
  } catch (error) {
    if (error instanceof AppendRefused) return error.result;
    throw error;
  }
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
  if (existing) return { status: 'duplicate' as const, message: await duplicateOf(trx, existing) };

  // The room row is locked first (the seq bump), so the membership read below is the latest: a
  // removal that committed meanwhile is seen, and one still running waits for this message.
  const room = await trx
    .updateTable('rooms')
    .set({ last_seq: sql`last_seq + 1` })
    .where('name', '=', message.room)
    .returning(['last_seq', 'read_only', 'slow_mode_seconds'])
    .executeTakeFirst();
  if (!room) return { status: 'no-room' as const };
  const member = await trx
    .selectFrom('memberships')
    .select(['role', 'muted_until', 'mute_reason'])
    .where('room', '=', message.room)
    .where('user_id', '=', message.userId)
    .executeTakeFirst();
  // Thrown, so the seq bump rolls back with it (in a batch, the whole batch: each is then tried alone).
  if (!member) throw new AppendRefused({ status: 'not-member' });
  const refusal = muteOrReadOnly(room, member, message);
  if (refusal === 'check-slow-mode') {
    const last = await trx
      .selectFrom('messages')
      .select('created_at')
      .where('room', '=', message.room)
      .where('user_id', '=', message.userId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const waiting = slowMode(room.slow_mode_seconds, message.createdAt, last?.created_at);
    if (waiting) throw new AppendRefused(waiting);
  } else if (refusal) throw new AppendRefused(refusal);
  const files = message.fileIds?.length ? await attachFiles(trx, message, message.fileIds) : undefined;
  if (files === undefined && message.fileIds?.length) throw new AppendRefused({ status: 'bad-files' });

  const mentions = message.mentions ?? [];
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
      reply_to: message.replyToId ?? null,
      mention_ids: mentions.join(' '),
    })
    .execute();
  if (mentions.length > 0) {
    await trx
      .insertInto('mentions')
      .values(
        mentions.map((userId) => ({ user_id: userId, room: message.room, seq: room.last_seq, message_id: message.id })),
      )
      .execute();
  }
  const stored = toMessage(await selectMessages(trx).where('m.id', '=', message.id).executeTakeFirstOrThrow());
  return { status: 'created' as const, message: await withQuote(trx, files ? { ...stored, files } : stored) };
}

/** A repeated send's original, as its first ack carried it (quote and files). */
async function duplicateOf(db: Kysely<Database>, row: MessageRow): Promise<StoredMessage> {
  const [message] = await withFiles(db, [await withQuote(db, toMessage(row))]);
  return message!;
}

/**
 * A reply with the quote of what it answers, as it is now — in an append, under the room's lock: a
 * deletion either came before (the quote says so) or comes after, as an event clients apply to it.
 */
async function withQuote(db: Kysely<Database>, message: StoredMessage): Promise<StoredMessage> {
  if (!message.replyToId) return message;
  const quoted = await selectMessages(db).where('m.id', '=', message.replyToId).executeTakeFirst();
  return quoted ? { ...message, replyTo: quoteOf(toMessage(quoted)) } : message;
}

/** What a reply shows of the message it answers. */
export function quoteOf(quoted: StoredMessage): NonNullable<StoredMessage['replyTo']> {
  return {
    id: quoted.id,
    seq: quoted.seq,
    userId: quoted.userId,
    username: quoted.username,
    text: quoted.text,
    deleted: quoted.deletedAt !== null,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function selectMessages(db: Kysely<Database>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.id',
      'm.room',
      'm.seq',
      'm.user_id',
      'm.client_msg_id',
      'm.text',
      'm.created_at',
      'm.edited_at',
      'm.deleted_at',
      'm.reply_to',
      'm.mention_ids',
      'u.username',
    ]);
}

export function splitIds(ids: string): string[] {
  return ids === '' ? [] : ids.split(' ');
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
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    replyToId: row.reply_to,
    mentions: splitIds(row.mention_ids),
  };
}
