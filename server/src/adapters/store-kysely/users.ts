import { sql, type Kysely, type Selectable } from 'kysely';
import type { StoredUser, UserStore } from '../../ports/store.js';
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
      let query = db.selectFrom('users').select(['id', 'username', 'created_at', 'username_key']);
      if (search !== undefined && search.length > 0)
        // username_key is lower case; LIKE's own wildcards in the search are matched literally.
        query = query.where(sql<boolean>`username_key like ${`%${escapeLike(search.toLowerCase())}%`} escape '\\'`);
      if (after !== undefined) query = query.where('username_key', '>', after.toLowerCase());
      const rows = await query.orderBy('username_key').limit(limit).execute();
      return rows.map((row) => ({ id: row.id, username: row.username, createdAt: row.created_at }));
    },
  };
}

function toUser(row: Selectable<Database['users']>): StoredUser {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
