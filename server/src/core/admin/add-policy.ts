import type { Policy } from '../../../../protocol/index.js';
import { audited, requireAllowed, type Actor, type AdminContext } from './admin-context.js';
import { policiesIn, policyId, samePolicy } from './policy-rules.js';

/**
 * Lets a role do an action in the domains a pattern matches, on every node within the bus's delay.
 * Answers whether anything changed (an existing policy is left as it is, unrecorded).
 */
export async function addPolicy(ctx: AdminContext, actor: Actor, policy: Policy): Promise<{ added: boolean }> {
  requireAllowed(ctx, actor, 'admin');
  const existing = policiesIn(await ctx.store.listAuthzRules());
  if (existing.some((p) => samePolicy(p, policy))) return { added: false };
  await ctx.authz.addPolicy(policy.role, policy.domain, policy.action);
  await audited(
    ctx,
    { actor: actor.id, action: 'policy.add', target: { kind: 'policy', id: policyId(policy) }, details: { ...policy } },
    () => ctx.authz.removePolicy(policy.role, policy.domain, policy.action),
  );
  return { added: true };
}
