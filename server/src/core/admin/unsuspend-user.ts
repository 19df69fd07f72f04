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
 * Lifts a suspension: the person may log in again (the sessions it ended stay ended). The same rank
 * rule as suspending: a moderator whom the policies let suspend cannot lift an admin's suspension.
 */
export async function unsuspendUser(
  ctx: AdminContext,
  actor: Actor,
  username: string,
  reason: string,
): Promise<AdminUser> {
  requireAllowed(ctx, actor, 'suspend');
  const target = await findTarget(ctx, username);
  requireOutranks(ctx, actor, target.id);
  const outcome = await ctx.store.unsuspendUser(target.id);
  if (outcome === 'no-user') throw new ParleyError('USER_NOT_FOUND');
  if (outcome === 'unsuspended') {
    // What to restore should the entry fail (read a moment before; a suspension racing it is rare).
    const previous = target.suspension ?? { at: nowIso(ctx), reason, by: actor.id };
    await audited(
      ctx,
      {
        actor: actor.id,
        action: 'user.unsuspend',
        target: { kind: 'user', id: target.id },
        reason,
        details: { username: target.username },
      },
      () => ctx.store.suspendUser(target.id, previous),
    );
  }
  return toAdminUser(ctx, { ...target, suspension: undefined });
}
