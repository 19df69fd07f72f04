import type { AdminUser } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import {
  audited,
  findTarget,
  nowIso,
  requireAllowed,
  requireOutranks,
  toAdminUser,
  type Actor,
  type AdminContext,
} from './admin-context.js';

/**
 * Suspends an account: marked in the store, then every session revoked and every socket closed with
 * 4403 on every node, then recorded in the audit log. Login and refresh then answer ACCOUNT_SUSPENDED with
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
  requireOutranks(ctx, actor, target.id);
  const suspension = { at: nowIso(ctx), reason, by: actor.id };
  const outcome = await ctx.store.suspendUser(target.id, suspension);
  if (outcome === 'no-user') throw new ParleyError('USER_NOT_FOUND');
  // Cut off before the audit entry is written, so the person cannot go on sending while it is: should
  // the entry fail, the mark is taken back (they may log in again) but the ended sessions stay ended.
  await ctx.cutOff(target.id, actor.via);
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
  return toAdminUser(ctx, { ...target, suspension: (await ctx.store.findUserById(target.id))?.suspension });
}
