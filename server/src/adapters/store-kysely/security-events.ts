import type { Kysely } from 'kysely';
import type { SecurityEventKind, SecurityEventStore } from '../../ports/security-event-store.js';
import type { Database } from './schema.js';

export function kyselySecurityEvents(db: Kysely<Database>): SecurityEventStore {
  return {
    async appendSecurityEvent(event) {
      await db
        .insertInto('security_events')
        .values({
          user_id: event.userId,
          session_id: event.sessionId,
          kind: event.kind,
          at: event.at,
          ip: event.ip,
          user_agent: event.userAgent,
          detail: event.detail ? JSON.stringify(event.detail) : null,
        })
        .execute();
    },

    async listSecurityEvents(userId, limit) {
      const rows = await db
        .selectFrom('security_events')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        userId: row.user_id,
        sessionId: row.session_id,
        kind: row.kind as SecurityEventKind,
        at: row.at,
        ip: row.ip,
        userAgent: row.user_agent,
        detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, string | number>),
      }));
    },
  };
}
