import type { Policy } from '../../../../protocol/index.js';
import type { AuthzRule } from '../../ports/authz-rule-store.js';
import { GLOBAL_DOMAIN } from '../authz/authorizer.js';

/** The stored `p` rules as policies (values beyond the third are not ours to show). */
export function policiesIn(rules: AuthzRule[]): Policy[] {
  return rules
    .filter((rule) => rule.ptype === 'p')
    .map(({ values: [role = '', domain = '', action = ''] }) => ({ role, domain, action }) as Policy);
}

export const samePolicy = (a: Policy, b: Policy): boolean =>
  a.role === b.role && a.domain === b.domain && a.action === b.action;

/** Does this policy let the `admin` role do `admin` in the global domain (the keys to the API)? */
export function isAdminKey(policy: Policy): boolean {
  return (
    policy.role === 'admin' && policy.action === 'admin' && (policy.domain === GLOBAL_DOMAIN || policy.domain === '*')
  );
}

/** The audit target id of a policy: its three values. */
export const policyId = (policy: Policy): string => `${policy.role} ${policy.domain} ${policy.action}`;
