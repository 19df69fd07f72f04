/**
 * Where the authorization rules live: Casbin's policy lines (`p`) and role grants (`g`), one row
 * each. The enforcer holds them in memory; this store is their durable copy (ADR 0018).
 *
 * Guarantees every adapter gives (server/test/contract/authz-rules.contract.ts):
 * - A rule is its type plus up to six values; trailing empty values are not part of it. Values come
 *   back exactly as stored, byte for byte (commas, quotes, spaces, any Unicode).
 * - A rule is stored at most once: adding one that exists changes nothing and is not an error.
 * - `replaceAuthzRules` swaps the whole set in one transaction: a reader sees the old set or the new.
 */
export interface AuthzRule {
  /** `p`, `g` (or another type the model declares, such as `p2`). */
  ptype: string;
  /** One to six values; none of them may be longer than AUTHZ_VALUE_MAX_CHARS. */
  values: string[];
}

/** How many values a rule holds at most (the table's v0..v5). */
export const AUTHZ_MAX_VALUES = 6;
/** Longest value: PostgreSQL cannot index a row over ~2.7 kB, and the unique index covers all columns. */
export const AUTHZ_VALUE_MAX_CHARS = 256;

export interface AuthzRuleStore {
  /** Every rule, in the order they were added. */
  listAuthzRules(): Promise<AuthzRule[]>;
  /** Adds the rules that are not stored yet, in one transaction. */
  addAuthzRules(rules: AuthzRule[]): Promise<void>;
  /** Removes these exact rules; a rule that is not stored is ignored. */
  removeAuthzRules(rules: AuthzRule[]): Promise<void>;
  /**
   * Removes every rule of `ptype` whose values, from `fieldIndex` on, equal `fieldValues`; an empty
   * string in `fieldValues` matches any value (Casbin's removeFilteredPolicy).
   */
  removeFilteredAuthzRules(ptype: string, fieldIndex: number, fieldValues: string[]): Promise<void>;
  /** Replaces every rule with these, in one transaction (Casbin's savePolicy). */
  replaceAuthzRules(rules: AuthzRule[]): Promise<void>;
}

/** A rule the store cannot hold: no type, no values, too many values, or a value too long. */
export class InvalidAuthzRuleError extends Error {
  override name = 'InvalidAuthzRuleError';
}

/**
 * The rule as stored: trailing empty values dropped (Casbin pads some calls with them). Throws
 * InvalidAuthzRuleError for a rule the table cannot hold, before anything is written.
 */
export function normalizeAuthzRule(rule: AuthzRule): AuthzRule {
  const values = [...rule.values];
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  if (!/^[a-z][a-z0-9_]{0,15}$/.test(rule.ptype)) throw new InvalidAuthzRuleError(`bad rule type: ${rule.ptype}`);
  if (values.length === 0) throw new InvalidAuthzRuleError('a rule needs at least one value');
  if (values.length > AUTHZ_MAX_VALUES)
    throw new InvalidAuthzRuleError(`a rule holds at most ${AUTHZ_MAX_VALUES} values`);
  if (values.some((value) => typeof value !== 'string' || value.length > AUTHZ_VALUE_MAX_CHARS)) {
    throw new InvalidAuthzRuleError(`every value is a string of at most ${AUTHZ_VALUE_MAX_CHARS} characters`);
  }
  return { ptype: rule.ptype, values };
}
