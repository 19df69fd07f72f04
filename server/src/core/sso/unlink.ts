import { hasPassword } from '../accounts/password-check.js';
import { ParleyError } from '../errors.js';
import type { SsoContext, Via } from './sso-context.js';

/**
 * Unlinks one of my provider identities after a recent proof, unless it is my last way to sign in
 * (no password, no passkey, no other identity): LAST_SIGN_IN_METHOD.
 */
export async function unlink(ctx: SsoContext, userId: string, sessionId: string, id: string, via: Via): Promise<void> {
  await ctx.proofs.requireRecent(userId, sessionId);
  const identities = await ctx.store.listSsoIdentities(userId);
  const identity = identities.find((candidate) => candidate.id === id);
  if (!identity) throw new ParleyError('SSO_IDENTITY_NOT_FOUND');
  const user = await ctx.store.findUserById(userId);
  if (!user) throw new ParleyError('UNAUTHENTICATED');
  // Without a password or a passkey, another identity must remain: the store decides that with the
  // removal itself, so two unlinks at once cannot take both.
  const otherWayIn = hasPassword(user.passwordHash) || (await ctx.store.listPasskeys(userId)).length > 0;
  const outcome = await ctx.store.removeSsoIdentity(userId, id, !otherWayIn);
  if (outcome === 'last') throw new ParleyError('LAST_SIGN_IN_METHOD');
  if (outcome === 'not-found') throw new ParleyError('SSO_IDENTITY_NOT_FOUND');
  await ctx.securityLog.record('sso_unlinked', userId, sessionId, via, { provider: identity.provider });
}
