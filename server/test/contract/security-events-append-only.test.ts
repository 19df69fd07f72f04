import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openPostgresStore } from '../../src/adapters/store-postgres/store-postgres.js';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import type { Store } from '../../src/ports/store.js';
import { createTempDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';

async function seedEvent(store: Store): Promise<void> {
  const userId = randomUUID();
  await store.createUser({
    id: userId,
    username: `u_${userId.slice(0, 8)}`,
    passwordHash: 'x',
    createdAt: new Date().toISOString(),
  });
  await store.appendSecurityEvent({
    userId,
    sessionId: null,
    kind: 'login_succeeded',
    at: new Date().toISOString(),
    ip: '::1',
    userAgent: 'ua',
  });
}

it('SQLite refuses to change or delete a security event, even through raw SQL', async () => {
  const dir = tempDir('parley-audit-');
  const file = join(dir.path, 'audit.db');
  const store = await openSqliteStore(file);
  await seedEvent(store);
  await store.close();
  const raw = new SQLite(file);
  expect(() => raw.prepare("update security_events set kind = 'logout'").run()).toThrow(/append-only/);
  expect(() => raw.prepare('delete from security_events').run()).toThrow(/append-only/);
  expect(raw.prepare('select count(*) as n from security_events').get()).toEqual({ n: 1 });
  raw.close();
  dir.remove();
});

it('PostgreSQL refuses to change or delete a security event, even through raw SQL', async () => {
  const database = await createTempDatabase();
  const store = await openPostgresStore(database.url);
  await seedEvent(store);
  await store.close();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await expect(client.query("update security_events set kind = 'logout'")).rejects.toThrow(/append-only/);
  await expect(client.query('delete from security_events')).rejects.toThrow(/append-only/);
  expect((await client.query('select count(*)::int as n from security_events')).rows[0]).toEqual({ n: 1 });
  await client.end();
  await database.drop();
});
