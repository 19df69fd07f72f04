import type { Policy } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import { audited, requireAllowed, type Actor, type AdminContext } from './admin-context.js';
import { isAdminKey, policiesIn, policyId, samePolicy } from './policy-rules.js';

/**
 * Removes a policy, on every node within the bus's delay. A policy that does not exist is NOT_FOUND.
 * The last one letting `admin` do `admin` globally is refused (FORBIDDEN): without it nobody could
 * use the admin API again, this admin included.
 */
export async function removePolicy(ctx: AdminContext, actor: Actor, policy: Policy): Promise<void> {
  requireAllowed(ctx, actor, 'admin');
  const existing = policiesIn(await ctx.store.listAuthzRules());
  if (!existing.some((p) => samePolicy(p, policy))) throw new ParleyError('NOT_FOUND', 'No such policy.');
  if (isAdminKey(policy) && !existing.some((p) => isAdminKey(p) && !samePolicy(p, policy)))
    throw new ParleyError(
      'FORBIDDEN',
      'This policy is what lets admins administer: removing it would lock everyone out.',
    );
  await ctx.authz.removePolicy(policy.role, policy.domain, policy.action);
  await audited(
    ctx,
    {
      actor: actor.id,
      action: 'policy.remove',
      target: { kind: 'policy', id: policyId(policy) },
      details: { ...policy },
    },
    () => ctx.authz.addPolicy(policy.role, policy.domain, policy.action),
  );
}
