import type { LinkedIdentity } from '../../../../protocol/index.js';
import type { SsoContext } from './sso-context.js';

/** My linked identities, oldest first, with the provider's display name (its id when no longer configured). */
export async function listIdentities(ctx: SsoContext, userId: string): Promise<LinkedIdentity[]> {
  const names = new Map(ctx.providers.list().map((p) => [p.id, p.name]));
  const identities = await ctx.store.listSsoIdentities(userId);
  return identities.map((identity) => ({
    id: identity.id,
    provider: identity.provider,
    providerName: names.get(identity.provider) ?? identity.provider,
    label: identity.label,
    linkedAt: identity.linkedAt,
  }));
}
