import type { Kysely } from 'kysely';
import type { SecondFactorStore } from '../../ports/second-factor-store.js';
import type { Database } from './schema.js';

/** TOTP, recovery codes and second-step tickets; every "at most once" is one conditional UPDATE. */
export function kyselySecondFactors(db: Kysely<Database>): SecondFactorStore {
  return {
    saveTotpPending(userId, secretEnc, at) {
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('user_totp')
          .select('enabled_at')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (existing?.enabled_at) return 'enabled';
        if (existing) {
          await trx
            .updateTable('user_totp')
            .set({ secret_enc: secretEnc, created_at: at, last_step: null })
            .where('user_id', '=', userId)
            .where('enabled_at', 'is', null)
            .execute();
        } else {
          await trx
            .insertInto('user_totp')
            .values({ user_id: userId, secret_enc: secretEnc, created_at: at, enabled_at: null, last_step: null })
            .execute();
        }
        return 'saved';
      });
    },

    async findTotp(userId) {
      const row = await db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return (
        row && {
          userId: row.user_id,
          secretEnc: row.secret_enc,
          createdAt: row.created_at,
          enabledAt: row.enabled_at,
          lastStep: row.last_step === null ? null : Number(row.last_step),
        }
      );
    },

    enableTotp(userId, at, step, codeHashes) {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('user_totp')
          .set({ enabled_at: at, last_step: step })
          .where('user_id', '=', userId)
          .where('enabled_at', 'is', null)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) return 'not-pending';
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        await trx
          .insertInto('recovery_codes')
          .values(codeHashes.map((hash) => ({ user_id: userId, code_hash: hash, created_at: at, used_at: null })))
          .execute();
        return 'enabled';
      });
    },

    async useTotpStep(userId, step) {
      const updated = await db
        .updateTable('user_totp')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where('enabled_at', 'is not', null)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return updated.numUpdatedRows === 1n;
    },

    deleteTotp(userId) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        const deleted = await trx
          .deleteFrom('user_totp')
          .where('user_id', '=', userId)
          .returning('enabled_at')
          .executeTakeFirst();
        return deleted?.enabled_at != null;
      });
    },

    async replaceRecoveryCodes(userId, codeHashes, at) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        await trx
          .insertInto('recovery_codes')
          .values(codeHashes.map((hash) => ({ user_id: userId, code_hash: hash, created_at: at, used_at: null })))
          .execute();
      });
    },

    async unusedRecoveryCodes(userId) {
      const rows = await db
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
      return rows.map((row) => row.code_hash);
    },

    useRecoveryCode(userId, codeHash, at) {
      return db.transaction().execute(async (trx) => {
        const used = await trx
          .updateTable('recovery_codes')
          .set({ used_at: at })
          .where('user_id', '=', userId)
          .where('code_hash', '=', codeHash)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (used.numUpdatedRows !== 1n) return undefined;
        const left = await trx
          .selectFrom('recovery_codes')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('user_id', '=', userId)
          .where('used_at', 'is', null)
          .executeTakeFirstOrThrow();
        return Number(left.n);
      });
    },

    async createSecondStepTicket(ticket) {
      await db
        .insertInto('second_step_tickets')
        .values({
          ticket_hash: ticket.ticketHash,
          user_id: ticket.userId,
          fingerprint_hash: ticket.deviceHash,
          created_at: ticket.createdAt,
          expires_at: ticket.expiresAt,
          used_at: null,
        })
        .execute();
    },

    async findSecondStepTicket(ticketHash, now) {
      const row = await db
        .selectFrom('second_step_tickets')
        .selectAll()
        .where('ticket_hash', '=', ticketHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return (
        row && {
          ticketHash: row.ticket_hash,
          userId: row.user_id,
          deviceHash: row.fingerprint_hash,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
      );
    },

    async takeSecondStepTicket(ticketHash, now) {
      const taken = await db
        .updateTable('second_step_tickets')
        .set({ used_at: now })
        .where('ticket_hash', '=', ticketHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return taken.numUpdatedRows === 1n;
    },
  };
}
