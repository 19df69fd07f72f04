import type { Kysely } from 'kysely';
import type {
  PendingSsoIdentity,
  SsoCodeKind,
  SsoPurpose,
  SsoStore,
  StoredSsoCode,
  StoredSsoIdentity,
} from '../../ports/sso-store.js';
import type { Database } from './schema.js';

type IdentityRow = Database['sso_identities'];
type CodeRow = Database['sso_codes'];

function identityOf(row: IdentityRow): StoredSsoIdentity {
  return {
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    issuer: row.issuer,
    subject: row.subject,
    label: row.label,
    linkedAt: row.linked_at,
  };
}

function identityRow(identity: StoredSsoIdentity): IdentityRow {
  return {
    id: identity.id,
    user_id: identity.userId,
    provider: identity.provider,
    issuer: identity.issuer,
    subject: identity.subject,
    label: identity.label,
    linked_at: identity.linkedAt,
  };
}

function codeOf(row: CodeRow): StoredSsoCode {
  return {
    codeHash: row.code_hash,
    kind: row.kind as SsoCodeKind,
    bindingHash: row.binding_hash,
    userId: row.user_id,
    pending: row.pending === null ? null : (JSON.parse(row.pending) as PendingSsoIdentity),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

/** Identities, flows and one-time codes of single sign-on over Kysely: the same SQL on SQLite and PostgreSQL. */
export function kyselySso(db: Kysely<Database>): SsoStore {
  return {
    async addSsoIdentity(identity) {
      const result = await db
        .insertInto('sso_identities')
        .values(identityRow(identity))
        .onConflict((c) => c.columns(['issuer', 'subject']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1 ? 'added' : 'taken';
    },

    async findSsoIdentity(issuer, subject) {
      const row = await db
        .selectFrom('sso_identities')
        .selectAll()
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row && identityOf(row);
    },

    async listSsoIdentities(userId) {
      const rows = await db
        .selectFrom('sso_identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('linked_at')
        .orderBy('id')
        .execute();
      return rows.map(identityOf);
    },

    async removeSsoIdentity(userId, id, keepOne = false) {
      return db.transaction().execute(async (trx) => {
        // A write to the user's row first: it serialises two unlinks of one account (PostgreSQL's row
        // lock; SQLite's one writer), so the count below cannot be stale when `keepOne` asks for it.
        await trx.updateTable('users').set({ id: userId }).where('id', '=', userId).execute();
        if (keepOne) {
          const { n } = await trx
            .selectFrom('sso_identities')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('user_id', '=', userId)
            .executeTakeFirstOrThrow();
          if (Number(n) <= 1) {
            const mine = await trx
              .selectFrom('sso_identities')
              .select('id')
              .where('id', '=', id)
              .where('user_id', '=', userId)
              .executeTakeFirst();
            return mine ? 'last' : 'not-found';
          }
        }
        const result = await trx
          .deleteFrom('sso_identities')
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1 ? 'removed' : 'not-found';
      });
    },

    async createUserWithIdentity(user, identity) {
      class Rollback extends Error {
        constructor(readonly outcome: 'username-taken' | 'identity-taken') {
          super(outcome);
        }
      }
      try {
        await db.transaction().execute(async (trx) => {
          const created = await trx
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
          if (Number(created.numInsertedOrUpdatedRows ?? 0) !== 1) throw new Rollback('username-taken');
          const linked = await trx
            .insertInto('sso_identities')
            .values(identityRow(identity))
            .onConflict((c) => c.columns(['issuer', 'subject']).doNothing())
            .executeTakeFirst();
          if (Number(linked.numInsertedOrUpdatedRows ?? 0) !== 1) throw new Rollback('identity-taken');
        });
        return 'created';
      } catch (error) {
        if (error instanceof Rollback) return error.outcome;
        throw error;
      }
    },

    async saveSsoFlow(flow) {
      await db
        .insertInto('sso_flows')
        .values({
          state_hash: flow.stateHash,
          provider: flow.provider,
          pkce_verifier: flow.pkceVerifier,
          nonce: flow.nonce,
          binding_hash: flow.bindingHash,
          purpose: flow.purpose,
          user_id: flow.userId,
          created_at: flow.createdAt,
          expires_at: flow.expiresAt,
          used_at: null,
        })
        .execute();
    },

    async consumeSsoFlow(stateHash, now) {
      // One conditional statement: of concurrent callbacks with one state, exactly one wins.
      const result = await db
        .updateTable('sso_flows')
        .set({ used_at: now })
        .where('state_hash', '=', stateHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      const row = await db.selectFrom('sso_flows').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      if (!row) return undefined;
      return {
        stateHash: row.state_hash,
        provider: row.provider,
        pkceVerifier: row.pkce_verifier,
        nonce: row.nonce,
        bindingHash: row.binding_hash,
        purpose: row.purpose as SsoPurpose,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },

    async saveSsoCode(code) {
      await db
        .insertInto('sso_codes')
        .values({
          code_hash: code.codeHash,
          kind: code.kind,
          binding_hash: code.bindingHash,
          user_id: code.userId,
          pending: code.pending === null ? null : JSON.stringify(code.pending),
          created_at: code.createdAt,
          expires_at: code.expiresAt,
          used_at: null,
        })
        .execute();
    },

    async findSsoCode(codeHash) {
      const row = await db.selectFrom('sso_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      return row && codeOf(row);
    },

    async consumeSsoCode(codeHash, now) {
      const result = await db
        .updateTable('sso_codes')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      const taken = Number(result.numUpdatedRows) === 1;
      const row = await db.selectFrom('sso_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!row) return undefined;
      return { outcome: taken ? 'taken' : 'reused', code: codeOf(row) };
    },

    async releaseSsoCode(codeHash, usedAt) {
      await db
        .updateTable('sso_codes')
        .set({ used_at: null })
        .where('code_hash', '=', codeHash)
        .where('used_at', '=', usedAt)
        .execute();
    },

    async deleteExpiredSso(before) {
      const flows = await db.deleteFrom('sso_flows').where('expires_at', '<', before).executeTakeFirst();
      const codes = await db.deleteFrom('sso_codes').where('expires_at', '<', before).executeTakeFirst();
      return Number(flows.numDeletedRows) + Number(codes.numDeletedRows);
    },
  };
}
