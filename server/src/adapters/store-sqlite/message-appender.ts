import type SQLite from 'better-sqlite3';
import type { Kysely, Selectable } from 'kysely';
import type { FileRef } from '../../../../protocol/index.js';
import type { AppendResult, NewMessage, StoredMessage } from '../../ports/store.js';
import { GroupCommit, type Outcome } from '../group-commit.js';
import {
  AppendRefused,
  muteOrReadOnly,
  slowMode,
  type AppendMembership,
  type AppendRoomModes,
} from '../store-kysely/append-checks.js';
import { quoteOf, toMessage, type MessageRow } from '../store-kysely/messages.js';
import type { Database } from '../store-kysely/schema.js';
import { byUpload, refOfRow } from '../store-kysely/files.js';

type FileRow = Pick<
  Selectable<Database['files']>,
  'id' | 'name' | 'type' | 'size' | 'width' | 'height' | 'thumb_key' | 'created_at'
>;

export interface MessageAppender {
  append(message: NewMessage): Promise<AppendResult>;
  /** Resolves once every append asked for so far has been committed or refused. */
  drain(): Promise<void>;
}

/**
 * `appendMessage` on SQLite, the hot path of every chat message: group commit over statements
 * prepared once.
 *
 * Appends asked for in one turn of the event loop are written in one transaction after the loop's
 * I/O phase (`setImmediate`), each inside its own savepoint so one failure loses only itself. Every
 * caller's promise settles after COMMIT returns: "stored before acknowledged" holds for each message,
 * and a burst pays one commit (one fsync with SQLITE_SYNCHRONOUS=full), not one per message.
 *
 * The batch runs while holding Kysely's only connection (`db.connection()`), so it can never land
 * inside a transaction Kysely has open on the same better-sqlite3 handle (a refresh-token rotation,
 * say). Seqs stay gap-free: the room's `last_seq` is bumped in the same savepoint as the insert.
 */
export function sqliteMessageAppender(database: SQLite.Database, db: Kysely<Database>): MessageAppender {
  const findRetry = database.prepare<[string, string], MessageRow>(
    `select m.id, m.room, m.seq, m.user_id, m.client_msg_id, m.text, m.created_at, m.edited_at,
            m.deleted_at, m.reply_to, m.mention_ids, u.username
       from messages m join users u on u.id = m.user_id
      where m.user_id = ? and m.client_msg_id = ?`,
  );
  // The room's modes come back with its seq, and the mute with the membership: no extra read.
  const bumpSeq = database.prepare<[string], { last_seq: number } & AppendRoomModes>(
    'update rooms set last_seq = last_seq + 1 where name = ? returning last_seq, read_only, slow_mode_seconds',
  );
  const membership = database.prepare<[string, string], AppendMembership>(
    'select role, muted_until, mute_reason from memberships where room = ? and user_id = ?',
  );
  const lastSentAt = database.prepare<[string, string], { created_at: string }>(
    'select created_at from messages where room = ? and user_id = ? order by seq desc limit 1',
  );
  const insert = database.prepare(
    `insert into messages (id, room, seq, user_id, client_msg_id, text, created_at, reply_to, mention_ids)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMention = database.prepare('insert into mentions (user_id, room, seq, message_id) values (?, ?, ?, ?)');
  const quoted = database.prepare<[string], MessageRow>(
    `select m.id, m.room, m.seq, m.user_id, m.client_msg_id, m.text, m.created_at, m.edited_at,
            m.deleted_at, m.reply_to, m.mention_ids, u.username
       from messages m join users u on u.id = m.user_id
      where m.id = ?`,
  );
  const usernameOf = database.prepare<[string], { username: string }>('select username from users where id = ?');
  // Files: only for messages that carry some (the attach) or may (a repeated send's original).
  const attach = database.prepare<[string, string, string, string], FileRow>(
    `update files set message_id = ?
      where id in (select value from json_each(?)) and uploader_id = ? and room = ? and message_id is null
      returning id, name, type, size, width, height, thumb_key, created_at`,
  );
  const filesOf = database.prepare<[string], FileRow>(
    'select id, name, type, size, width, height, thumb_key, created_at from files where message_id = ?',
  );

  /** Attaches the author's unattached uploads to this room, all of them or (thrown) none. */
  function attachFiles(message: NewMessage, fileIds: readonly string[]): FileRef[] {
    const rows = attach.all(message.id, JSON.stringify(fileIds), message.userId, message.room);
    if (rows.length !== new Set(fileIds).size) throw new AppendRefused({ status: 'bad-files' });
    return rows.sort(byUpload).map(refOfRow);
  }

  function withFiles(message: StoredMessage): StoredMessage {
    const rows = filesOf.all(message.id);
    return rows.length === 0 ? message : { ...message, files: rows.sort(byUpload).map(refOfRow) };
  }

  const appendOne = database.transaction((message: NewMessage): AppendResult => {
    const existing = findRetry.get(message.userId, message.clientMsgId);
    if (existing) return { status: 'duplicate', message: withFiles(withQuote(toMessage(existing))) };
    const room = bumpSeq.get(message.room);
    if (!room) return { status: 'no-room' };
    // Thrown, so this message's savepoint (its seq bump) rolls back.
    const member = membership.get(message.room, message.userId);
    if (!member) throw new AppendRefused({ status: 'not-member' });
    const refusal = muteOrReadOnly(room, member, message);
    if (refusal === 'check-slow-mode') {
      const waiting = slowMode(
        room.slow_mode_seconds,
        message.createdAt,
        lastSentAt.get(message.room, message.userId)?.created_at,
      );
      if (waiting) throw new AppendRefused(waiting);
    } else if (refusal) throw new AppendRefused(refusal);
    const author = usernameOf.get(message.userId);
    if (!author) throw new Error('appendMessage: the author does not exist');
    const files = message.fileIds?.length ? attachFiles(message, message.fileIds) : undefined;
    const mentions = message.mentions ?? [];
    insert.run(
      message.id,
      message.room,
      room.last_seq,
      message.userId,
      message.clientMsgId,
      message.text,
      message.createdAt,
      message.replyToId ?? null,
      mentions.join(' '),
    );
    for (const userId of mentions) insertMention.run(userId, message.room, room.last_seq, message.id);
    const stored: StoredMessage = {
      id: message.id,
      room: message.room,
      userId: message.userId,
      clientMsgId: message.clientMsgId,
      text: message.text,
      createdAt: message.createdAt,
      seq: room.last_seq,
      username: author.username,
      editedAt: null,
      deletedAt: null,
      replyToId: message.replyToId ?? null,
      mentions,
      ...(files ? { files } : {}),
    };
    return { status: 'created', message: withQuote(stored) };
  });

  /** The quote as it is at this seq (see withQuote in store-kysely/messages.ts). */
  function withQuote(message: StoredMessage): StoredMessage {
    const answered = message.replyToId ? quoted.get(message.replyToId) : undefined;
    return answered ? { ...message, replyTo: quoteOf(toMessage(answered)) } : message;
  }

  /** Runs the whole batch in one transaction; `appendOne` nested in it is a savepoint per message. */
  const writeBatch = database.transaction((batch: NewMessage[]) =>
    batch.map((message): Outcome<AppendResult> => {
      try {
        return { ok: appendOne(message) };
      } catch (error) {
        if (error instanceof AppendRefused) return { ok: error.result };
        return { error };
      }
    }),
  );

  // Kysely's connection is held for the (synchronous) batch; if COMMIT fails, GroupCommit refuses it all.
  const group = new GroupCommit<NewMessage, AppendResult>((batch) =>
    db.connection().execute(() => Promise.resolve(writeBatch(batch))),
  );
  return {
    append: (message) => group.add(message),
    drain: () => group.drain(),
  };
}
