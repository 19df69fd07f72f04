import type { Kysely } from 'kysely';
import type { PasskeyPurpose, PasskeyStore, StoredPasskey } from '../../ports/passkey-store.js';
import type { Database } from './schema.js';

type Row = Database['webauthn_credentials'];

function fromRow(row: Row): StoredPasskey {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    // bigint comes back as a string from pg.
    counter: Number(row.counter),
    transports: row.transports === '' ? [] : row.transports.split(' '),
    deviceType: row.device_type,
    backedUp: Number(row.backed_up) === 1,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Passkeys and their ceremonies' challenges over Kysely: the same queries on SQLite and PostgreSQL. */
export function kyselyPasskeys(db: Kysely<Database>): PasskeyStore {
  return {
    async addPasskey(p) {
      const result = await db
        .insertInto('webauthn_credentials')
        .values({
          id: p.id,
          user_id: p.userId,
          public_key: p.publicKey,
          counter: p.counter,
          transports: p.transports.join(' '),
          device_type: p.deviceType,
          backed_up: p.backedUp ? 1 : 0,
          name: p.name,
          created_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1 ? 'added' : 'taken';
    },

    async findPasskey(id) {
      const row = await db.selectFrom('webauthn_credentials').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async listPasskeys(userId) {
      const rows = await db
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async renamePasskey(userId, id, name) {
      const result = await db
        .updateTable('webauthn_credentials')
        .set({ name })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async removePasskey(userId, id) {
      const result = await db
        .deleteFrom('webauthn_credentials')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async updatePasskeyUse(id, use) {
      const result = await db
        .updateTable('webauthn_credentials')
        .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.lastUsedAt })
        .where('id', '=', id)
        // An authenticator without a counter always says 0; one with a counter must go up.
        .where('counter', use.counter === 0 ? '=' : '<', use.counter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? 'updated' : 'stale';
    },

    async savePasskeyChallenge(c) {
      await db
        .insertInto('webauthn_challenges')
        .values({
          id: c.id,
          challenge: c.challenge,
          purpose: c.purpose,
          bound_to: c.boundTo,
          user_id: c.userId,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
        })
        .execute();
    },

    async consumePasskeyChallenge(id) {
      // One statement: of concurrent consumers (on any node) exactly one gets the row.
      const row = await db.deleteFrom('webauthn_challenges').where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        challenge: row.challenge,
        purpose: row.purpose as PasskeyPurpose,
        boundTo: row.bound_to,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },

    async deleteExpiredPasskeyChallenges(now) {
      const result = await db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
