import type { AdminGlobalRole, AdminUser } from '../../../../protocol/index.js';
import { EVERY_DOMAIN } from '../authz/authorizer.js';
import {
  audited,
  findTarget,
  globalRoles,
  requireAllowed,
  toAdminUser,
  type Actor,
  type AdminContext,
} from './admin-context.js';

/**
 * Grants a global role (admin or moderator; the edge refuses any other) through the Authorizer, so
 * every node enforces it within the bus's delay. Already held: nothing changes, nothing is recorded.
 */
export async function grantRole(
  ctx: AdminContext,
  actor: Actor,
  username: string,
  role: AdminGlobalRole,
  reason: string,
): Promise<AdminUser> {
  requireAllowed(ctx, actor, 'admin');
  const target = await findTarget(ctx, username);
  if (!globalRoles(ctx.authz, target.id).includes(role)) {
    await ctx.authz.grantRole(target.id, role, EVERY_DOMAIN);
    await audited(
      ctx,
      {
        actor: actor.id,
        action: 'role.grant',
        target: { kind: 'user', id: target.id },
        reason,
        details: { role, domain: EVERY_DOMAIN, username: target.username },
      },
      () => ctx.authz.revokeRole(target.id, role, EVERY_DOMAIN),
    );
  }
  return toAdminUser(ctx, target);
}
