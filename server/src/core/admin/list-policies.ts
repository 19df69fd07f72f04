import type { AdminGrant, AdminPolicies } from '../../../../protocol/index.js';
import { requireAllowed, type Actor, type AdminContext } from './admin-context.js';
import { policiesIn } from './policy-rules.js';

/**
 * Every policy and every grant, read from the store (what every node loads), not from this node's
 * enforcer. A grant to a user carries their name.
 */
export async function listPolicies(ctx: AdminContext, actor: Actor): Promise<AdminPolicies> {
  requireAllowed(ctx, actor, 'admin');
  const rules = await ctx.store.listAuthzRules();
  const grants: AdminGrant[] = [];
  for (const { ptype, values } of rules) {
    if (ptype !== 'g') continue;
    const [subject = '', role = '', domain = ''] = values;
    const grant: AdminGrant = { subject, role, domain };
    if (subject.startsWith('user:')) {
      const user = await ctx.store.findUserById(subject.slice('user:'.length));
      if (user) grant.user = { id: user.id, username: user.username };
    }
    grants.push(grant);
  }
  return { policies: policiesIn(rules), grants };
}
