import type { AdminGlobalRole, AdminUser } from '../../../../protocol/index.js';
import { CLI_ACTOR } from '../../ports/audit-log-store.js';
import { EVERY_DOMAIN } from '../authz/authorizer.js';
import { ParleyError } from '../errors.js';
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
 * Takes a global role back. An admin may not drop their own admin role while no other admin (one
 * not suspended) remains: nobody could administer the server from then on but the machine's
 * operator (FORBIDDEN). Not held: nothing changes, nothing is recorded.
 */
export async function revokeRole(
  ctx: AdminContext,
  actor: Actor,
  username: string,
  role: AdminGlobalRole,
  reason: string,
): Promise<AdminUser> {
  requireAllowed(ctx, actor, 'admin');
  const target = await findTarget(ctx, username);
  if (globalRoles(ctx.authz, target.id).includes(role)) {
    if (role === 'admin' && target.id === actor.id && actor.id !== CLI_ACTOR && !(await anotherAdmin(ctx, actor.id)))
      throw new ParleyError('FORBIDDEN', 'You are the only admin: grant the role to someone else first.');
    await ctx.authz.revokeRole(target.id, role, EVERY_DOMAIN);
    await audited(
      ctx,
      {
        actor: actor.id,
        action: 'role.revoke',
        target: { kind: 'user', id: target.id },
        reason,
        details: { role, domain: EVERY_DOMAIN, username: target.username },
      },
      () => ctx.authz.grantRole(target.id, role, EVERY_DOMAIN),
    );
  }
  return toAdminUser(ctx, target);
}

/** Is there an admin besides this user whose account is not suspended? Read from the store. */
async function anotherAdmin(ctx: AdminContext, userId: string): Promise<boolean> {
  const rules = await ctx.store.listAuthzRules();
  for (const { ptype, values } of rules) {
    const [subject = '', role, domain] = values;
    if (ptype !== 'g' || role !== 'admin' || domain !== EVERY_DOMAIN || !subject.startsWith('user:')) continue;
    const id = subject.slice('user:'.length);
    if (id === userId) continue;
    const other = await ctx.store.findUserById(id);
    if (other && !other.suspension) return true;
  }
  return false;
}
