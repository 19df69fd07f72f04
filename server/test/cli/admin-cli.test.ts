import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfiguredStore } from '../../src/adapters/select-adapters.js';
import type { Config } from '../../src/config.js';
import { MemoryBus } from '../../src/adapters/bus-memory.js';
import { recordAudit } from '../../src/core/audit/record-audit.js';
import { Authorizer, GLOBAL_DOMAIN } from '../../src/core/authz/authorizer.js';
import type { Logger } from '../../src/ports/logger.js';
import { CLI_ACTOR } from '../../src/ports/audit-log-store.js';
import { runAdminCli } from '../helpers/admin-cli.js';
import { createTempDatabase, POSTGRES_ADMIN_URL } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';
import { tamperPostgres, tamperSqlite, type TamperDb } from '../helpers/tamper-db.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A fresh database for the CLI: its URL as the CLI reads it, how the test opens it, and a way to tamper. */
interface FreshDatabase {
  url: string;
  database: Config['database'];
  tamper(): Promise<TamperDb>;
  drop(): Promise<void>;
}

const databases: [string, () => Promise<FreshDatabase>][] = [
  [
    'SQLite',
    () => {
      const dir = tempDir('parley-cli-');
      const filename = join(dir.path, 'parley.db');
      return Promise.resolve({
        url: `sqlite:${filename}`,
        database: { kind: 'sqlite', filename, synchronous: 'normal' },
        tamper: () => Promise.resolve(tamperSqlite(filename)),
        drop: () => Promise.resolve(dir.remove()),
      });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const temp = await createTempDatabase();
      // A password the server (trust auth) ignores: it must never appear in what the CLI prints.
      const withPassword = new URL(temp.url);
      withPassword.username = withPassword.username || 'postgres';
      withPassword.password = 'never-print-this-secret';
      return {
        url: withPassword.toString(),
        database: { kind: 'postgres', url: temp.url, poolSize: 2 },
        tamper: () => tamperPostgres(temp.url),
        drop: () => temp.drop(),
      };
    },
  ],
];

describe.each(databases)('admin CLI on a fresh %s database', (_name, fresh) => {
  let db: FreshDatabase;
  const cli = (...args: string[]) => runAdminCli(args, { DATABASE_URL: db.url });

  beforeEach(async () => {
    db = await fresh();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('verifies an untouched log, lists it and the users, and fails naming the entry after a raw change', async () => {
    const empty = await cli('audit', 'verify');
    expect(empty.stderr).toBe('');
    expect(empty.stdout).toContain('audit log intact: 0 entries');
    expect(empty.code).toBe(0);

    // Entries and users made through the Store, as the server (and later the CLI itself) will.
    const store = await openConfiguredStore(db.database);
    const alice = { id: randomUUID(), username: 'Alice', passwordHash: 'x', createdAt: new Date().toISOString() };
    await store.createUser(alice);
    await store.createUser({ id: randomUUID(), username: 'bob', passwordHash: 'x', createdAt: alice.createdAt });
    for (const [actor, action] of [
      [alice.id, 'message.delete'],
      [CLI_ACTOR, 'user.suspend'],
      [alice.id, 'room.member.kick'],
    ] as const) {
      await recordAudit(store, {
        at: new Date().toISOString(),
        actor,
        action,
        target: { kind: 'user', id: alice.id },
        reason: 'spam\u001b[31m',
      });
    }
    await store.close();

    const intact = await cli('audit', 'verify');
    expect(intact.stdout).toContain('audit log intact: 3 entries');
    expect(intact.code).toBe(0);

    const listed = await cli('audit', 'list', '--limit', '2');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^#3 /);
    expect(lines[0]).toContain(`by Alice (${alice.id})  room.member.kick  user:${alice.id}`);
    expect(lines[1]).toMatch(/^#2 /);
    expect(lines[1]).toContain('by cli  user.suspend');
    expect(lines[0]).toMatch(/ {2}hash [0-9a-f]{64}$/);
    // A reason cannot drive the terminal: the escape character is shown, not sent.
    expect(listed.stdout).not.toContain('\u001b');
    expect(listed.stdout).toContain('\\u001b[31m');

    const users = await cli('users', 'list', '--search', 'LIC');
    expect(users.code).toBe(0);
    expect(users.stdout).toContain(`${alice.id}  Alice`);
    expect(users.stdout).not.toContain('bob');

    const tamper = await db.tamper();
    await tamper.execute(`update audit_log set action = 'user.unsuspend' where position = 2`);
    await tamper.close();
    const damaged = await cli('audit', 'verify');
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).not.toContain('intact');
    expect(damaged.stderr).toContain('audit log damaged at entry 2 (changed)');

    for (const run of [empty, intact, listed, users, damaged])
      expect(run.stdout + run.stderr).not.toContain('never-print-this-secret');
  });

  it('grants the first admin (no default password anywhere), lists and revokes it, each change audited', async () => {
    const store = await openConfiguredStore(db.database);
    const carol = { id: randomUUID(), username: 'Carol', passwordHash: 'x', createdAt: new Date().toISOString() };
    await store.createUser(carol);
    await store.close();
    /** What the server's own enforcer, loaded from this database, says Carol may do. */
    const carolCan = async (action: string): Promise<boolean> => {
      const reader = await openConfiguredStore(db.database);
      const authorizer = await Authorizer.open({ store: reader, bus: new MemoryBus(), nodeId: 'test', logger: silent });
      try {
        return authorizer.can(carol.id, GLOBAL_DOMAIN, action);
      } finally {
        authorizer.close();
        await reader.close();
      }
    };

    expect((await cli('roles', 'list', 'carol')).stdout).toContain('Carol: user (no other role)');
    expect(await carolCan('suspend')).toBe(false);

    const granted = await cli('roles', 'grant', 'carol', 'admin', '--reason', 'first admin');
    expect(granted.stderr).toBe('');
    expect(granted.stdout).toContain('granted admin to Carol');
    expect(granted.code).toBe(0);
    expect(await carolCan('suspend')).toBe(true);
    expect((await cli('roles', 'list', 'Carol')).stdout).toContain('Carol: user, admin');
    const again = await cli('roles', 'grant', 'carol', 'admin');
    expect(again.stdout).toContain('already holds admin: nothing changed');

    const revoked = await cli('roles', 'revoke', 'carol', 'admin');
    expect(revoked.stdout).toContain('revoked admin from Carol');
    expect(await carolCan('suspend')).toBe(false);

    // Two changes, two entries by the CLI, in a chain that verifies.
    const listed = await cli('audit', 'list');
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`by cli  role.revoke  user:${carol.id}`);
    expect(lines[1]).toContain(`by cli  role.grant  user:${carol.id}  reason "first admin"`);
    expect((await cli('audit', 'verify')).stdout).toContain('audit log intact: 2 entries');

    const nobody = await cli('roles', 'grant', 'nobody_here', 'admin');
    expect(nobody.code).toBe(67);
    expect(nobody.stderr).toContain('no user named "nobody_here"');
    const roomRole = await cli('roles', 'grant', 'carol', 'owner');
    expect(roomRole.code).toBe(2);
  });
});

describe('admin CLI usage', () => {
  it('refuses an unknown command or a bad argument with usage text and exit code 2, touching no database', async () => {
    // An unreachable database: a usage error must be reported before any attempt to open it.
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    for (const args of [
      ['frobnicate'],
      ['audit'],
      ['audit', 'list', '--limit', '0'],
      ['users', 'list', '--everyone'],
    ]) {
      const run = await runAdminCli(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage: npm run --silent admin -- <command>');
    }
    const help = await runAdminCli(['help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('audit verify');
  });

  it('says the database is unreachable (exit 69) without printing its password', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.port = '1';
    url.username = 'postgres';
    url.password = 'never-print-this-secret';
    const run = await runAdminCli(['audit', 'verify'], { DATABASE_URL: url.toString() });
    expect(run.code).toBe(69);
    expect(run.stderr).toContain('cannot open the postgres database');
    expect(run.stdout + run.stderr).not.toContain('never-print-this-secret');
  });

  it('stops on a bad configuration with exit 78, naming the variable', async () => {
    const run = await runAdminCli(['audit', 'verify'], { DATABASE_URL: 'mysql://nope' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('DATABASE_URL');
  });
});
