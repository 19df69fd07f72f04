import { sql, type Kysely, type Selectable } from 'kysely';
import type { StoredUser, Suspension, UserStore } from '../../ports/store.js';
import type { Database } from './schema.js';

export function kyselyUsers(db: Kysely<Database>): UserStore {
  return {
    async createUser(user) {
      const result = await db
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
    },

    async findUserByUsername(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', '=', username.toLowerCase())
        .executeTakeFirst();
      return row && toUser(row);
    },

    async findUserById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async updatePasswordHash(userId, passwordHash) {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    },

    async listUsers({ search, after, limit }) {
      let query = db
        .selectFrom('users')
        .select(['id', 'username', 'created_at', 'username_key', 'suspended_at', 'suspended_reason', 'suspended_by']);
      if (search !== undefined && search.length > 0)
        // username_key is lower case; LIKE's own wildcards in the search are matched literally.
        query = query.where(sql<boolean>`username_key like ${`%${escapeLike(search.toLowerCase())}%`} escape '\\'`);
      if (after !== undefined) query = query.where('username_key', '>', after.toLowerCase());
      const rows = await query.orderBy('username_key').limit(limit).execute();
      return rows.map((row) => {
        const suspension = suspensionOf(row);
        return {
          id: row.id,
          username: row.username,
          createdAt: row.created_at,
          ...(suspension === undefined ? {} : { suspension }),
        };
      });
    },

    async suspendUser(userId, suspension) {
      const result = await db
        .updateTable('users')
        .set({ suspended_at: suspension.at, suspended_reason: suspension.reason, suspended_by: suspension.by })
        .where('id', '=', userId)
        .where('suspended_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) return 'suspended';
      return (await exists(db, userId)) ? 'already-suspended' : 'no-user';
    },

    async unsuspendUser(userId) {
      const result = await db
        .updateTable('users')
        .set({ suspended_at: null, suspended_reason: null, suspended_by: null })
        .where('id', '=', userId)
        .where('suspended_at', 'is not', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) return 'unsuspended';
      return (await exists(db, userId)) ? 'not-suspended' : 'no-user';
    },
  };
}

async function exists(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

type SuspensionColumns = Pick<Selectable<Database['users']>, 'suspended_at' | 'suspended_reason' | 'suspended_by'>;

function suspensionOf(row: SuspensionColumns): Suspension | undefined {
  if (row.suspended_at === null) return undefined;
  return { at: row.suspended_at, reason: row.suspended_reason ?? '', by: row.suspended_by ?? '' };
}

function toUser(row: Selectable<Database['users']>): StoredUser {
  const suspension = suspensionOf(row);
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(suspension === undefined ? {} : { suspension }),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
