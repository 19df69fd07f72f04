import { newEnforcer, newModelFromString } from 'casbin';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModelText } from '../../src/core/authz/model-file.js';
import { RuleStoreAdapter } from '../../src/core/authz/rule-adapter.js';
import { InvalidAuthzRuleError, type AuthzRule, type AuthzRuleStore } from '../../src/ports/authz-rule-store.js';

/** The rules table's contract (ports/authz-rule-store.ts), run on every store. */
export function describeAuthzRuleContract(
  name: string,
  open: () => Promise<{ store: AuthzRuleStore; dispose: () => Promise<void> }>,
): void {
  describe(`Authorization rules contract: ${name}`, () => {
    let store: AuthzRuleStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    const p = (...values: string[]): AuthzRule => ({ ptype: 'p', values });
    const g = (...values: string[]): AuthzRule => ({ ptype: 'g', values });
    const sorted = (rules: AuthzRule[]) => rules.map((r) => JSON.stringify(r)).sort();

    it('adds, lists and removes rules; a duplicate is stored once', async () => {
      expect(await store.listAuthzRules()).toEqual([]);
      await store.addAuthzRules([p('member', 'room:*', 'write'), g('user:1', 'owner', 'room:a')]);
      await store.addAuthzRules([p('member', 'room:*', 'write'), p('member', 'room:*', 'read')]);
      expect(sorted(await store.listAuthzRules())).toEqual(
        sorted([p('member', 'room:*', 'write'), p('member', 'room:*', 'read'), g('user:1', 'owner', 'room:a')]),
      );
      await store.removeAuthzRules([p('member', 'room:*', 'write'), p('not', 'stored', 'here')]);
      expect(sorted(await store.listAuthzRules())).toEqual(
        sorted([p('member', 'room:*', 'read'), g('user:1', 'owner', 'room:a')]),
      );
    });

    it('a rule with fewer values is a different rule, and trailing empty values are not part of one', async () => {
      await store.addAuthzRules([g('user:1', 'admin'), g('user:1', 'admin', '*'), g('user:1', 'admin', '', '')]);
      expect(sorted(await store.listAuthzRules())).toEqual(sorted([g('user:1', 'admin'), g('user:1', 'admin', '*')]));
      await store.removeAuthzRules([g('user:1', 'admin', '')]);
      expect(await store.listAuthzRules()).toEqual([g('user:1', 'admin', '*')]);
    });

    it('filtered removal matches from a field on, with an empty value matching anything', async () => {
      await store.addAuthzRules([
        g('user:1', 'owner', 'room:a'),
        g('user:1', 'member', 'room:a'),
        g('user:2', 'member', 'room:a'),
        g('user:1', 'member', 'room:b'),
        p('member', 'room:a', 'write'),
      ]);
      // Every grant in room:a (field 2), whoever holds it.
      await store.removeFilteredAuthzRules('g', 2, ['room:a']);
      expect(sorted(await store.listAuthzRules())).toEqual(
        sorted([g('user:1', 'member', 'room:b'), p('member', 'room:a', 'write')]),
      );
      await store.addAuthzRules([g('user:1', 'owner', 'room:b'), g('user:2', 'owner', 'room:b')]);
      // user:1's grants in any domain: '' in the middle is a wildcard.
      await store.removeFilteredAuthzRules('g', 0, ['user:1', '', '']);
      expect(sorted(await store.listAuthzRules())).toEqual(
        sorted([g('user:2', 'owner', 'room:b'), p('member', 'room:a', 'write')]),
      );
      await expect(store.removeFilteredAuthzRules('g', 5, ['a', 'b'])).rejects.toBeInstanceOf(InvalidAuthzRuleError);
    });

    it('replacing swaps the whole set', async () => {
      await store.addAuthzRules([p('a', 'b', 'c'), g('x', 'y', 'z')]);
      await store.replaceAuthzRules([p('a', 'b', 'c'), p('d', 'e', 'f'), p('d', 'e', 'f')]);
      expect(sorted(await store.listAuthzRules())).toEqual(sorted([p('a', 'b', 'c'), p('d', 'e', 'f')]));
      await store.replaceAuthzRules([]);
      expect(await store.listAuthzRules()).toEqual([]);
    });

    it('values with commas, quotes, spaces and Unicode come back byte for byte', async () => {
      const awkward = [
        p('a,b', 'room:"quoted"', "it's"),
        p(' leading and trailing ', 'tab\there', 'new\nline'),
        g('user:ünï©ødé 🎉', 'rôle, with "both" \'quotes\'', 'room:日本語'),
        p('""', ',', '\\,\\"'),
      ];
      await store.addAuthzRules(awkward);
      expect(sorted(await store.listAuthzRules())).toEqual(sorted(awkward));
      await store.removeAuthzRules([awkward[0]!]);
      await store.removeFilteredAuthzRules('g', 0, ['user:ünï©ødé 🎉']);
      expect(sorted(await store.listAuthzRules())).toEqual(sorted([awkward[1]!, awkward[3]!]));
    });

    it('refuses a rule the table cannot hold, and writes nothing of the batch', async () => {
      const refused = [
        { ptype: '', values: ['a'] },
        { ptype: 'p; drop table', values: ['a'] },
        { ptype: 'p', values: [] },
        { ptype: 'p', values: ['1', '2', '3', '4', '5', '6', '7'] },
        { ptype: 'p', values: ['x'.repeat(257)] },
      ];
      for (const rule of refused) {
        await expect(store.addAuthzRules([p('fine', 'room:*', 'read'), rule])).rejects.toBeInstanceOf(
          InvalidAuthzRuleError,
        );
      }
      expect(await store.listAuthzRules()).toEqual([]);
      // The limits themselves are allowed.
      await store.addAuthzRules([{ ptype: 'p', values: ['1', '2', '3', '4', '5', 'x'.repeat(256)] }]);
      expect(await store.listAuthzRules()).toHaveLength(1);
    });

    it("Casbin's own calls go through the adapter to the store, and a fresh enforcer loads them byte for byte", async () => {
      const adapter = new RuleStoreAdapter(store);
      const enforcer = await newEnforcer(newModelFromString(readModelText()), adapter);
      const awkward = ['role, "quoted" \'x\'', 'room:ünï 🎉', 'act, with comma'];
      await enforcer.addPolicy(...awkward);
      await enforcer.addPolicies([
        ['member', 'room:*', 'write'],
        ['member', 'room:*', 'read'],
      ]);
      await enforcer.addGroupingPolicy('user:1', 'member', 'room:a');
      await enforcer.addGroupingPolicy('user:1', 'owner', 'room:a');
      await enforcer.removePolicies([['member', 'room:*', 'read']]);
      await enforcer.removeFilteredGroupingPolicy(1, 'owner');
      const expected = [p(...awkward), p('member', 'room:*', 'write'), g('user:1', 'member', 'room:a')];
      expect(sorted(await store.listAuthzRules())).toEqual(sorted(expected));

      const fresh = await newEnforcer(newModelFromString(readModelText()), adapter);
      expect(await fresh.getPolicy()).toEqual(expect.arrayContaining([awkward, ['member', 'room:*', 'write']]));
      expect(await fresh.getGroupingPolicy()).toEqual([['user:1', 'member', 'room:a']]);
      expect(fresh.enforceSync('user:1', 'room:a', 'write')).toBe(true);

      await enforcer.removePolicy(...awkward);
      await fresh.savePolicy();
      // savePolicy wrote the fresh enforcer's set back whole, the awkward rule included.
      expect(sorted(await store.listAuthzRules())).toEqual(sorted(expected));
    });
  });
}
