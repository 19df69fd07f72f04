import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StoreUnavailableError, type AppendResult, type NewMessage, type Store } from '../../ports/store.js';
import { GroupCommit } from '../group-commit.js';
import { kyselyStore } from '../store-kysely/kysely-store.js';
import { appendBatch } from '../store-kysely/messages.js';
import { postgresUploaderLock } from '../store-kysely/files.js';
import type { Database } from '../store-kysely/schema.js';
import { postgresMigrations } from './migrations.js';

/** Driver errors that mean "cannot reach the database", as opposed to a bad query. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const UNREACHABLE_SQLSTATES = /^(08|57P0|53300)/;

export function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SQLSTATES.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  );
}

/**
 * The Store on PostgreSQL (Kysely over a `pg` pool). Per-room seqs stay gap-free across nodes:
 * the seq bump is an UPDATE of the room's row, which PostgreSQL locks until the inserting
 * transaction commits or rolls back. Messages are appended with group commit (ADR 0011).
 */
export async function openPostgresStore(url: string, poolSize = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // A client that loses its connection emits 'error'; unhandled, that would end the process. Idle
  // clients report through the pool, checked-out ones through themselves: silence both — the query
  // in flight fails on its own (as StoreUnavailableError) and the pool opens a new connection later.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const { error } = await new Migrator({ db, provider: postgresMigrations }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error('PostgreSQL migrations failed', { cause: error });
  }
  const classify = (failure: unknown) => (isUnreachable(failure) ? new StoreUnavailableError(failure) : failure);
  const store = kyselyStore(db, classify, { lockUploader: postgresUploaderLock });
  // Group commit: the appends of one event-loop turn share a transaction; if that fails, each is
  // tried alone, so only the message at fault (or none, after a lost race) is refused.
  const appends = new GroupCommit<NewMessage, AppendResult>(async (batch) => {
    if (batch.length > 1) {
      const together = await appendBatch(db, batch).catch(() => undefined);
      if (together) return together.map((ok) => ({ ok }));
    }
    return Promise.all(
      batch.map((message) =>
        store.appendMessage(message).then(
          (ok) => ({ ok }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
  });
  return {
    ...store,
    appendMessage: (message) => appends.add(message),
    async close() {
      await appends.drain();
      await store.close();
    },
  };
}
