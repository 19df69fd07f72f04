import { IdentityProviderError, type ProviderIdentity } from '../../ports/identity-provider.js';
import { ParleyError } from '../errors.js';
import { wantedUsername } from './derive-username.js';
import {
  EXCHANGE_CODE_TTL_SECONDS,
  iso,
  randomToken,
  requireProvider,
  sha256,
  type SsoContext,
  type Via,
} from './sso-context.js';

export type CallbackOutcome = { signIn: { code: string } } | { linked: { provider: string } };

/**
 * The provider's redirect back. The flow is found by the hash of `state` and used up at once
 * (whatever follows, a second callback with it is refused); it must be of this provider, begun by
 * this browser and live, else SSO_STATE_INVALID. The library then trades the code (PKCE) and checks
 * the ID token (issuer, audience, signature, expiry, nonce), else SSO_FAILED. Nothing is created
 * here for a sign-in: the answer is a one-time exchange code (60 s, stored hashed, bound to the
 * same browser). A link adds the identity to the user who began it.
 */
export async function completeCallback(
  ctx: SsoContext,
  input: { provider: string; state: string | undefined; callbackUrl: string; redirectUri: string; bindingHash: string },
  via: Via,
): Promise<CallbackOutcome> {
  requireProvider(ctx, input.provider);
  const now = ctx.clock.now();
  const flow = input.state ? await ctx.store.consumeSsoFlow(sha256(input.state), iso(now)) : undefined;
  if (
    !flow ||
    flow.provider !== input.provider ||
    input.bindingHash === '' ||
    flow.bindingHash !== input.bindingHash ||
    flow.expiresAt <= iso(now)
  ) {
    throw new ParleyError('SSO_STATE_INVALID');
  }
  let identity: ProviderIdentity;
  try {
    identity = await ctx.providers.complete(input.provider, input.callbackUrl, {
      redirectUri: input.redirectUri,
      state: input.state!,
      nonce: flow.nonce,
      pkceVerifier: flow.pkceVerifier,
    });
  } catch (error) {
    if (error instanceof IdentityProviderError) throw new ParleyError('SSO_FAILED');
    throw error;
  }
  const label = identity.preferredUsername ?? identity.email ?? identity.name ?? identity.subject;
  if (flow.purpose === 'link' && flow.userId !== null) {
    const added = await ctx.store.addSsoIdentity({
      id: ctx.newId(),
      userId: flow.userId,
      provider: input.provider,
      issuer: identity.issuer,
      subject: identity.subject,
      label,
      linkedAt: iso(now),
    });
    if (added === 'taken') {
      const holder = await ctx.store.findSsoIdentity(identity.issuer, identity.subject);
      if (holder?.userId !== flow.userId) throw new ParleyError('SSO_IDENTITY_TAKEN');
    } else {
      await ctx.securityLog.record('sso_linked', flow.userId, null, via, { provider: input.provider });
    }
    return { linked: { provider: input.provider } };
  }
  const known = await ctx.store.findSsoIdentity(identity.issuer, identity.subject);
  const code = randomToken();
  await ctx.store.saveSsoCode({
    codeHash: sha256(code),
    kind: 'exchange',
    bindingHash: input.bindingHash,
    userId: known?.userId ?? null,
    pending: known
      ? null
      : {
          provider: input.provider,
          issuer: identity.issuer,
          subject: identity.subject,
          label,
          wanted: wantedUsername(identity),
        },
    createdAt: iso(now),
    expiresAt: iso(now + EXCHANGE_CODE_TTL_SECONDS * 1000),
    usedAt: null,
  });
  return { signIn: { code } };
}
