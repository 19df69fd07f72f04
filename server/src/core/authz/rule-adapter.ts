import type { BatchAdapter, Model } from 'casbin';
import type { AuthzRuleStore } from '../../ports/authz-rule-store.js';

/**
 * Casbin's adapter over our rule store (ports/authz-rule-store.ts), so Casbin keeps its policies in
 * the same database as everything else, on SQLite or PostgreSQL. Rules go into the model value by
 * value, never through a CSV line: Casbin's line loader splits on commas and trims, which would
 * break a value such as `a, b`.
 */
export class RuleStoreAdapter implements BatchAdapter {
  constructor(private readonly store: AuthzRuleStore) {}

  async loadPolicy(model: Model): Promise<void> {
    for (const rule of await this.store.listAuthzRules()) {
      // The store holds each rule once, so skip Model.addPolicy's linear duplicate check; a type
      // this model does not declare (say `p2` from another model) is left out, as Casbin does.
      const assertion = model.model.get(rule.ptype.slice(0, 1))?.get(rule.ptype);
      assertion?.policy.push(rule.values);
    }
  }

  /** Writes the model's whole policy in one transaction. */
  async savePolicy(model: Model): Promise<boolean> {
    const rules = ['p', 'g'].flatMap((section) =>
      [...(model.model.get(section) ?? new Map<string, { policy: string[][] }>()).entries()].flatMap(
        ([ptype, assertion]) => assertion.policy.map((values) => ({ ptype, values })),
      ),
    );
    await this.store.replaceAuthzRules(rules);
    return true;
  }

  async addPolicy(_section: string, ptype: string, rule: string[]): Promise<void> {
    await this.store.addAuthzRules([{ ptype, values: rule }]);
  }

  async addPolicies(_section: string, ptype: string, rules: string[][]): Promise<void> {
    await this.store.addAuthzRules(rules.map((values) => ({ ptype, values })));
  }

  async removePolicy(_section: string, ptype: string, rule: string[]): Promise<void> {
    await this.store.removeAuthzRules([{ ptype, values: rule }]);
  }

  async removePolicies(_section: string, ptype: string, rules: string[][]): Promise<void> {
    await this.store.removeAuthzRules(rules.map((values) => ({ ptype, values })));
  }

  async removeFilteredPolicy(
    _section: string,
    ptype: string,
    fieldIndex: number,
    ...fieldValues: string[]
  ): Promise<void> {
    await this.store.removeFilteredAuthzRules(ptype, fieldIndex, fieldValues);
  }
}
