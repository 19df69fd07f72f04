import type { AdminAuditEntry, AdminAuditPage } from '../../../../protocol/index.js';
import { requireAllowed, type Actor, type AdminContext } from './admin-context.js';

/** The audit log, newest first, a page at a time (before a position), each actor named when a user. */
export async function listAudit(
  ctx: AdminContext,
  actor: Actor,
  query: { before?: number | undefined; limit: number },
): Promise<AdminAuditPage> {
  requireAllowed(ctx, actor, 'admin');
  const entries = await ctx.store.auditEntriesBefore(query.before, query.limit);
  const names = new Map<string, string>();
  for (const id of new Set(entries.map((entry) => entry.actor))) {
    const user = await ctx.store.findUserById(id);
    if (user) names.set(id, user.username);
  }
  const views = entries.map((entry): AdminAuditEntry => ({
    position: entry.position,
    at: entry.at,
    actor: entry.actor,
    ...(names.has(entry.actor) ? { actorName: names.get(entry.actor)! } : {}),
    action: entry.action,
    target: entry.target,
    reason: entry.reason,
    details: JSON.parse(entry.details) as Record<string, unknown>,
    hash: entry.hash,
  }));
  const oldest = entries.at(-1);
  return {
    entries: views,
    ...(entries.length === query.limit && oldest && oldest.position > 1 ? { next: oldest.position } : {}),
  };
}
