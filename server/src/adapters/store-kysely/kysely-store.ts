import { sql, type Kysely } from 'kysely';
import { StoreUnavailableError, type Store } from '../../ports/store.js';
import { kyselyAuthzRules } from './authz-rules.js';
import { kyselyAuditLog } from './audit-log.js';
import { kyselyConversations } from './conversations.js';
import { kyselyMessages } from './messages.js';
import { kyselyPasskeys } from './passkeys.js';
import type { Database } from './schema.js';
import { kyselySecurityEvents } from './security-events.js';
import { kyselySecondFactors } from './second-factors.js';
import { kyselySessions } from './sessions.js';
import { kyselySso } from './sso.js';
import { kyselyUsers } from './users.js';

/**
 * The Store over any Kysely dialect whose SQL these queries share (SQLite, PostgreSQL).
 * `classify` lets the dialect say which driver errors mean "the database is unreachable": those
 * reach callers as StoreUnavailableError, so the edge answers 503 STORE_UNAVAILABLE, not 500.
 */
export function kyselyStore(db: Kysely<Database>, classify: (error: unknown) => unknown): Store {
  const parts: Omit<Store, 'ping' | 'close'> = {
    ...kyselyUsers(db),
    ...kyselySessions(db),
    ...kyselySecurityEvents(db),
    ...kyselySecondFactors(db),
    ...kyselyMessages(db),
    ...kyselyConversations(db),
    ...kyselyAuthzRules(db),
    ...kyselyAuditLog(db),
    ...kyselyPasskeys(db),
    ...kyselySso(db),
  };
  const guarded = Object.fromEntries(
    Object.entries(parts).map(([name, method]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw classify(error);
        }
      },
    ]),
  ) as Omit<Store, 'ping' | 'close'>;
  return {
    ...guarded,
    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw classify(error);
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

export { StoreUnavailableError };
