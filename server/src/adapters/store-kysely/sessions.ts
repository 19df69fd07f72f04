import { sql, type Kysely, type Selectable } from 'kysely';
import type { SessionScope, SessionStore, StoredRefreshToken, StoredSession } from '../../ports/session-store.js';
import type { Database } from './schema.js';

/** Sessions and refresh tokens on SQLite. Kysely runs one transaction at a time on the one connection. */
export function kyselySessions(db: Kysely<Database>): SessionStore {
  return {
    async createSession(session, firstToken) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('sessions').values(toSessionRow(session)).execute();
        await trx.insertInto('refresh_tokens').values(toTokenRow(firstToken)).execute();
      });
    },

    async findSession(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toSession(row);
    },

    async listLiveSessions(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toSession);
    },

    async touchSession(id, at) {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },

    async recordSessionProof(id, at) {
      await db.updateTable('sessions').set({ proof_at: at }).where('id', '=', id).execute();
    },

    async revokeSessions(scope: SessionScope, at, reason) {
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('revoked_at', 'is', null);
      if ('sessionId' in scope) query = query.where('id', '=', scope.sessionId);
      else if ('familyId' in scope) query = query.where('family_id', '=', scope.familyId);
      else {
        query = query.where('user_id', '=', scope.userId);
        if (scope.exceptSessionId !== undefined) query = query.where('id', '!=', scope.exceptSessionId);
      }
      const rows = await query.returning('id').execute();
      return rows.map((row) => row.id);
    },

    async findRefreshToken(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toToken(row);
    },

    rotateRefreshToken(spentHash, successor, at) {
      return db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('refresh_tokens')
          .set({ spent_at: at })
          .where('token_hash', '=', spentHash)
          .where('spent_at', 'is', null)
          .executeTakeFirst();
        if (spent.numUpdatedRows !== 1n) return 'already-spent';
        await trx.insertInto('refresh_tokens').values(toTokenRow(successor)).execute();
        return 'rotated';
      });
    },

    async deleteExpired(now, sessionCutoff, batchSize) {
      const tokens = await db
        .deleteFrom('refresh_tokens')
        .where('token_hash', 'in', (q) =>
          q.selectFrom('refresh_tokens').select('token_hash').where('expires_at', '<=', now).limit(batchSize),
        )
        .executeTakeFirst();
      const ended = db
        .selectFrom('sessions')
        .select('id')
        .where((eb) => eb.or([eb('expires_at', '<=', sessionCutoff), eb('revoked_at', '<=', sessionCutoff)]))
        .limit(batchSize);
      const sessionTokens = await db.deleteFrom('refresh_tokens').where('session_id', 'in', ended).executeTakeFirst();
      const sessions = await db
        .deleteFrom('sessions')
        .where('id', 'in', ended)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('refresh_tokens')
                .select(sql`1`.as('one'))
                .whereRef('refresh_tokens.session_id', '=', 'sessions.id'),
            ),
          ),
        )
        .executeTakeFirst();
      // Second-step tickets live five minutes; an expired one is worth nothing to keep.
      const tickets = await db
        .deleteFrom('second_step_tickets')
        .where('ticket_hash', 'in', (q) =>
          q.selectFrom('second_step_tickets').select('ticket_hash').where('expires_at', '<=', now).limit(batchSize),
        )
        .executeTakeFirst();
      return Number(
        tokens.numDeletedRows + sessionTokens.numDeletedRows + sessions.numDeletedRows + tickets.numDeletedRows,
      );
    },
  };
}

function toSessionRow(session: StoredSession) {
  return {
    id: session.id,
    user_id: session.userId,
    family_id: session.familyId,
    fingerprint_hash: session.fingerprintHash,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
    ip: session.ip,
    user_agent: session.userAgent,
    revoked_at: session.revokedAt,
    revoked_reason: session.revokedReason,
    proof_at: session.proofAt ?? null,
  };
}

function toSession(row: Selectable<Database['sessions']>): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    familyId: row.family_id,
    fingerprintHash: row.fingerprint_hash,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    proofAt: row.proof_at,
  };
}

function toTokenRow(token: StoredRefreshToken) {
  return {
    token_hash: token.tokenHash,
    session_id: token.sessionId,
    family_id: token.familyId,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    spent_at: token.spentAt,
  };
}

function toToken(row: Selectable<Database['refresh_tokens']>): StoredRefreshToken {
  return {
    tokenHash: row.token_hash,
    sessionId: row.session_id,
    familyId: row.family_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    spentAt: row.spent_at,
  };
}
