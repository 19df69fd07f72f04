import type { DeviceContext } from '../accounts/security-log.js';
import type { IssuedSession } from '../accounts/sessions.js';
import { isValidUsername } from '../accounts/password-policy.js';
import { ParleyError } from '../errors.js';
import { createAndSignIn } from './sign-in-user.js';
import { iso, sha256, type SsoContext } from './sso-context.js';

/**
 * `POST /api/v1/auth/oidc/username`: the name a first sign-in picked. The ticket is taken before the
 * account is made, so two requests with one ticket cannot both sign in; a taken or invalid name gives
 * it back (the person tries another).
 */
export async function chooseUsername(
  ctx: SsoContext,
  input: { ticket: string; username: string },
  bindingHash: string,
  device: DeviceContext,
): Promise<IssuedSession> {
  const now = iso(ctx.clock.now());
  const ticketHash = sha256(input.ticket);
  const found = await ctx.store.findSsoCode(ticketHash);
  if (
    !found ||
    found.kind !== 'ticket' ||
    found.usedAt !== null ||
    !found.pending ||
    bindingHash === '' ||
    found.bindingHash !== bindingHash ||
    found.expiresAt <= now
  ) {
    throw new ParleyError('EXCHANGE_CODE_INVALID');
  }
  if (!isValidUsername(input.username)) throw new ParleyError('INVALID_USERNAME');
  const taken = await ctx.store.consumeSsoCode(ticketHash, now);
  if (taken?.outcome !== 'taken') throw new ParleyError('EXCHANGE_CODE_INVALID');
  const created = await createAndSignIn(ctx, found.pending, input.username, device).catch(async (error: unknown) => {
    await ctx.store.releaseSsoCode(ticketHash, now);
    throw error;
  });
  if (created === 'taken' || created === 'invalid') {
    await ctx.store.releaseSsoCode(ticketHash, now);
    throw new ParleyError(created === 'taken' ? 'USERNAME_TAKEN' : 'INVALID_USERNAME');
  }
  return created;
}
