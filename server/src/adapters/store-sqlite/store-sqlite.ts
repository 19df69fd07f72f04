import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Store } from '../../ports/store.js';
import { sqliteAuditAppender } from './audit-appender.js';
import { sqliteMessageAppender } from './message-appender.js';
import { sqliteMigrations } from './migrations.js';
import { sqliteSearch } from './search-sqlite.js';
import { kyselyStore } from '../store-kysely/kysely-store.js';
import type { Database } from '../store-kysely/schema.js';

/**
 * The Store on one SQLite file (better-sqlite3 under Kysely), in WAL mode, migrated at open.
 * Kysely's SQLite driver holds one connection and runs transactions one at a time, which is what
 * makes the per-room seq gap-free and a refresh token spendable once.
 */
export async function openSqliteStore(filename: string, synchronous: 'normal' | 'full' = 'normal'): Promise<Store> {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const database = new SQLite(filename);
  database.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit is in the database before appendMessage resolves and survives a crash or
  // kill of this process; FULL adds an fsync per commit (survives a power cut) — and since
  // better-sqlite3 is synchronous, that fsync stalls every socket on the node meanwhile (ADR 0002).
  database.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  database.pragma('foreign_keys = ON');
  // A deleted message's words must leave the file, not just the table: freed pages are zeroed.
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const { error } = await new Migrator({ db, provider: sqliteMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error('SQLite migrations failed', { cause: error });
  }
  const store = kyselyStore(db, (error) => error, sqliteSearch(db));
  // The hot path gets statements prepared once and group commit; the rest stays on Kysely.
  const appender = sqliteMessageAppender(database, db);
  const appendAuditEntry = sqliteAuditAppender(database, db);
  return {
    ...store,
    appendMessage: (message) => appender.append(message),
    appendAuditEntry,
    async applyChange(change) {
      const result = await store.applyChange(change);
      // The old copies of the pages a deletion rewrote live on in the write-ahead log until a
      // checkpoint: copy it into the database and empty it now (deletions are rare; this is ms).
      if (change.kind === 'delete' && result.status === 'applied') {
        await db.connection().execute(() => {
          database.pragma('wal_checkpoint(TRUNCATE)');
          return Promise.resolve();
        });
      }
      return result;
    },
    async close() {
      await appender.drain();
      await store.close();
    },
  };
}
