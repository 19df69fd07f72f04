import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Selectable } from 'kysely';
import type {
  AppendResult,
  NewMessage,
  Store,
  StoredMessage,
  StoredRoom,
  StoredSession,
  StoredUser,
} from '../../ports/store.js';
import { sqliteMigrations } from './migrations.js';
import type { Database } from './schema.js';

/**
 * The Store on one SQLite file (better-sqlite3 under Kysely), in WAL mode. Kysely's SQLite driver
 * holds one connection and runs transactions one at a time, which is what makes the per-room seq
 * gap-free: the seq bump and the insert happen together or not at all.
 */
export async function openSqliteStore(filename: string): Promise<Store> {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const database = new SQLite(filename);
  database.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before appendMessage resolves, so an ack survives a power cut too.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const { error } = await new Migrator({ db, provider: sqliteMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error('SQLite migrations failed', { cause: error });
  }
  return new SqliteStore(db);
}

type MessageRow = Selectable<Database['messages']> & { username: string };

class SqliteStore implements Store {
  constructor(private readonly db: Kysely<Database>) {}

  async createUser(user: StoredUser): Promise<'created' | 'taken'> {
    const result = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        username_key: user.username.toLowerCase(),
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      })
      .onConflict((c) => c.column('username_key').doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n ? 'created' : 'taken';
  }

  async findUserByUsername(username: string): Promise<StoredUser | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', username.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<StoredUser | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async createSession(session: StoredSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        fingerprint_hash: session.fingerprintHash,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        ip: session.ip,
        user_agent: session.userAgent,
        revoked_at: session.revokedAt,
      })
      .execute();
  }

  async findSession(id: string): Promise<StoredSession | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        fingerprintHash: row.fingerprint_hash,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        ip: row.ip,
        userAgent: row.user_agent,
        revokedAt: row.revoked_at,
      }
    );
  }

  async ensureRoom(name: string, createdAt: string): Promise<void> {
    await this.db
      .insertInto('rooms')
      .values({ name, created_at: createdAt })
      .onConflict((c) => c.column('name').doNothing())
      .execute();
  }

  async findRoom(name: string): Promise<StoredRoom | undefined> {
    const row = await this.db.selectFrom('rooms').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { name: row.name, lastSeq: row.last_seq, createdAt: row.created_at };
  }

  async listRooms(): Promise<StoredRoom[]> {
    const rows = await this.db.selectFrom('rooms').selectAll().orderBy('name').execute();
    return rows.map((row) => ({ name: row.name, lastSeq: row.last_seq, createdAt: row.created_at }));
  }

  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await selectMessages(trx)
        .where('m.user_id', '=', message.userId)
        .where('m.client_msg_id', '=', message.clientMsgId)
        .executeTakeFirst();
      if (existing) return { status: 'duplicate', message: toMessage(existing) };

      const room = await trx
        .updateTable('rooms')
        .set({ last_seq: sql`last_seq + 1` })
        .where('name', '=', message.room)
        .returning('last_seq')
        .executeTakeFirst();
      if (!room) return { status: 'no-room' };

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
      return { status: 'created', message: toMessage(stored) };
    });
  }

  async messagesAfter(room: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await selectMessages(this.db)
      .where('m.room', '=', room)
      .where('m.seq', '>', afterSeq)
      .orderBy('m.seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  async messagesBefore(room: string, beforeSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await selectMessages(this.db)
      .where('m.room', '=', room)
      .where('m.seq', '<', beforeSeq)
      .orderBy('m.seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(toMessage);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function selectMessages(db: Kysely<Database>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.room', 'm.seq', 'm.user_id', 'm.client_msg_id', 'm.text', 'm.created_at', 'u.username']);
}

function toUser(row: Selectable<Database['users']>): StoredUser {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at };
}

function toMessage(row: MessageRow): StoredMessage {
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
