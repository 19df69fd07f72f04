import { requireAllowed, findTarget, type Actor, type AdminContext } from './admin-context.js';

/** Would the policies let this user do `action` in `domain` (`global` or `room:<name>`), by their grants? */
export async function checkPermission(
  ctx: AdminContext,
  actor: Actor,
  query: { username: string; domain: string; action: string },
): Promise<{ allowed: boolean }> {
  requireAllowed(ctx, actor, 'admin');
  const target = await findTarget(ctx, query.username);
  return { allowed: ctx.authz.can(target.id, query.domain, query.action) };
}
