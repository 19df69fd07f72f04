import { join } from 'node:path';
import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import type { Store } from '../../src/ports/store.js';
import { createTempDatabase } from './postgres.js';
import { tempDir } from './server.js';

type Closable = { close(): Promise<void> };

/**
 * A store on a database of its own, for one contract test, with whatever else the contract opens on
 * that same database (a second Store as another node, a raw or tampering connection). `dispose`
 * closes those first, then the store, then removes the database.
 */
export type StoreFixture<E> = { store: Store } & E & { dispose(): Promise<void> };

/** The extras a contract needs, opened from the database's location (a file name or a URL). */
type Extras<E> = (location: string) => Promise<E> | E;

const none = (): Record<string, never> => ({});

async function closeAll(extras: object): Promise<void> {
  for (const value of Object.values(extras)) await (value as Closable).close();
}

export async function freshSqliteStore<E extends Record<string, Closable> = Record<string, never>>(
  extras: Extras<E> = none as Extras<E>,
): Promise<StoreFixture<E>> {
  const dir = tempDir('parley-store-');
  const file = join(dir.path, 'store.db');
  const store = await openSqliteStore(file);
  const more = await extras(file);
  return {
    ...more,
    store,
    dispose: async () => {
      await closeAll(more);
      await store.close();
      dir.remove();
    },
  };
}

export async function freshPostgresStore<E extends Record<string, Closable> = Record<string, never>>(
  extras: Extras<E> = none as Extras<E>,
): Promise<StoreFixture<E>> {
  const database = await createTempDatabase();
  const store = await openPostgresStore(database.url);
  const more = await extras(database.url);
  return {
    ...more,
    store,
    dispose: async () => {
      await closeAll(more);
      await store.close();
      await database.drop();
    },
  };
}
