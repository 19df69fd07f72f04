import type { IssuedSession } from '../accounts/sessions.js';
import type { DeviceContext } from '../accounts/security-log.js';
import { ParleyError, refusedWith } from '../errors.js';
import { toUser } from '../events.js';
import { takeChallenge } from './challenges.js';
import type { PasskeyContext } from './passkey-context.js';
import { verifyAssertion } from './verify-assertion.js';

/**
 * Signs in with a passkey: the ceremony must have been begun by this browser (`ceremonyBinding`: the
 * hash of its ceremony cookie),
 * the assertion must verify, and the account must not be suspended. Opens a session exactly as a
 * password login does (no second factor: the passkey is one), which counts as a fresh proof.
 */
export async function finishSignIn(
  ctx: PasskeyContext,
  input: { ceremonyId: string; response: unknown },
  device: DeviceContext,
  ceremonyBinding: string,
): Promise<IssuedSession> {
  const ceremony = await takeChallenge(ctx, input.ceremonyId, 'login', ceremonyBinding);
  const passkey = await verifyAssertion(ctx, input.response, ceremony.challenge);
  const user = await ctx.store.findUserById(passkey.userId);
  if (!user) throw new ParleyError('PASSKEY_INVALID');
  if (user.suspension) {
    await ctx.securityLog.record('login_failed', user.id, null, device);
    throw refusedWith('ACCOUNT_SUSPENDED', { reason: user.suspension.reason });
  }
  const issued = await ctx.sessions.open(toUser(user), device);
  await ctx.proofs.record(issued.session.id);
  await ctx.securityLog.record('passkey_used', user.id, issued.session.id, device);
  await ctx.securityLog.record('login_succeeded', user.id, issued.session.id, device);
  return issued;
}
