import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StoreUnavailableError, type Store } from '../../ports/store.js';
import { kyselyStore } from '../store-kysely/kysely-store.js';
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
 * transaction commits or rolls back.
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
  return kyselyStore(db, (failure) => (isUnreachable(failure) ? new StoreUnavailableError(failure) : failure));
}
