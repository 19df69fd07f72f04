import { IdentityProviderError } from '../../ports/identity-provider.js';
import type { SsoPurpose } from '../../ports/sso-store.js';
import { ParleyError } from '../errors.js';
import { iso, randomToken, requireProvider, sha256, SSO_FLOW_TTL_SECONDS, type SsoContext } from './sso-context.js';

/**
 * Begins a sign-in (or a link) at a provider: a fresh state, nonce and PKCE verifier, stored (the
 * state only as its hash) for 10 minutes and bound to this browser (`bindingHash`, the hash of its
 * binding cookie). Answers the provider's authorization URL.
 */
export async function beginSignIn(
  ctx: SsoContext,
  input: { provider: string; redirectUri: string; bindingHash: string; purpose: SsoPurpose; userId: string | null },
): Promise<string> {
  requireProvider(ctx, input.provider);
  const now = ctx.clock.now();
  // Flows and codes nobody finished, swept here (an indexed range delete) so the tables stay small.
  await ctx.store.deleteExpiredSso(iso(now - 3600_000));
  const checks = {
    redirectUri: input.redirectUri,
    state: randomToken(),
    nonce: randomToken(),
    pkceVerifier: randomToken(),
  };
  let url: string;
  try {
    url = await ctx.providers.authorizationUrl(input.provider, checks);
  } catch (error) {
    if (error instanceof IdentityProviderError)
      throw new ParleyError('SSO_FAILED', 'The identity provider cannot be reached.');
    throw error;
  }
  await ctx.store.saveSsoFlow({
    stateHash: sha256(checks.state),
    provider: input.provider,
    pkceVerifier: checks.pkceVerifier,
    nonce: checks.nonce,
    bindingHash: input.bindingHash,
    purpose: input.purpose,
    userId: input.userId,
    createdAt: iso(now),
    expiresAt: iso(now + SSO_FLOW_TTL_SECONDS * 1000),
  });
  return url;
}
