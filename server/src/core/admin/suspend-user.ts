import type { AdminUser } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import {
  audited,
  findTarget,
  nowIso,
  rankOf,
  requireAllowed,
  toAdminUser,
  type Actor,
  type AdminContext,
} from './admin-context.js';
import { CLI_ACTOR } from '../../ports/audit-log-store.js';

/**
 * Suspends an account: marked in the store, recorded in the audit log, then every session revoked and
 * every socket closed with 4403 on every node. Login and refresh then answer ACCOUNT_SUSPENDED with
 * the reason. Nobody suspends themselves (FORBIDDEN); only an admin suspends someone whose global
 * role is at least their own (TARGET_OUTRANKS). Suspending a suspended account changes nothing but
 * makes sure they are cut off.
 */
export async function suspendUser(
  ctx: AdminContext,
  actor: Actor,
  username: string,
  reason: string,
): Promise<AdminUser> {
  requireAllowed(ctx, actor, 'suspend');
  const target = await findTarget(ctx, username);
  if (target.id === actor.id) throw new ParleyError('FORBIDDEN', 'You cannot suspend yourself.');
  if (actor.id !== CLI_ACTOR) {
    const mine = rankOf(ctx.authz, actor.id);
    const theirs = rankOf(ctx.authz, target.id);
    // Admins (rank 2) may suspend one another; below that, only those ranked lower.
    if (theirs > 0 && mine < 2 && theirs >= mine) throw new ParleyError('TARGET_OUTRANKS');
  }
  const suspension = { at: nowIso(ctx), reason, by: actor.id };
  const outcome = await ctx.store.suspendUser(target.id, suspension);
  if (outcome === 'no-user') throw new ParleyError('USER_NOT_FOUND');
  if (outcome === 'suspended') {
    await audited(
      ctx,
      {
        actor: actor.id,
        action: 'user.suspend',
        target: { kind: 'user', id: target.id },
        reason,
        details: { username: target.username },
      },
      () => ctx.store.unsuspendUser(target.id),
    );
  }
  await ctx.cutOff(target.id, actor.via);
  return toAdminUser(ctx, { ...target, suspension: (await ctx.store.findUserById(target.id))?.suspension });
}
