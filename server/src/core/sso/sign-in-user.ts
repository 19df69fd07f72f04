import type { PendingSsoIdentity } from '../../ports/sso-store.js';
import { NO_PASSWORD_HASH } from '../accounts/password-check.js';
import { isValidUsername } from '../accounts/password-policy.js';
import type { DeviceContext } from '../accounts/security-log.js';
import type { IssuedSession } from '../accounts/sessions.js';
import { ParleyError, refusedWith } from '../errors.js';
import { toUser } from '../events.js';
import { iso, type SsoContext } from './sso-context.js';

/**
 * Opens a session for the user exactly as a password or passkey login does (a device-bound session
 * that counts as a fresh proof for step-up), unless the account is suspended.
 */
export async function signInAs(ctx: SsoContext, userId: string, device: DeviceContext): Promise<IssuedSession> {
  const user = await ctx.store.findUserById(userId);
  if (!user) throw new ParleyError('EXCHANGE_CODE_INVALID');
  if (user.suspension) {
    await ctx.securityLog.record('login_failed', user.id, null, device, { method: 'sso' });
    throw refusedWith('ACCOUNT_SUSPENDED', { reason: user.suspension.reason });
  }
  const issued = await ctx.sessions.open(toUser(user), device);
  await ctx.proofs.record(issued.session.id);
  await ctx.securityLog.record('login_succeeded', user.id, issued.session.id, device, { method: 'sso' });
  return issued;
}

/**
 * A first sign-in: the user (without a password: NO_PASSWORD_HASH, which no password matches) and
 * its identity in one transaction. 'taken' when the name is; an identity that another sign-in
 * created meanwhile signs in as that user.
 */
export async function createAndSignIn(
  ctx: SsoContext,
  pending: PendingSsoIdentity,
  username: string,
  device: DeviceContext,
): Promise<IssuedSession | 'taken' | 'invalid'> {
  if (!isValidUsername(username)) return 'invalid';
  const now = iso(ctx.clock.now());
  const userId = ctx.newId();
  const outcome = await ctx.store.createUserWithIdentity(
    { id: userId, username, passwordHash: NO_PASSWORD_HASH, createdAt: now },
    {
      id: ctx.newId(),
      userId,
      provider: pending.provider,
      issuer: pending.issuer,
      subject: pending.subject,
      label: pending.label,
      linkedAt: now,
    },
  );
  if (outcome === 'username-taken') return 'taken';
  if (outcome === 'identity-taken') {
    const holder = await ctx.store.findSsoIdentity(pending.issuer, pending.subject);
    if (!holder) throw new ParleyError('EXCHANGE_CODE_INVALID');
    return signInAs(ctx, holder.userId, device);
  }
  await ctx.securityLog.record('sso_linked', userId, null, device, { provider: pending.provider });
  return signInAs(ctx, userId, device);
}
