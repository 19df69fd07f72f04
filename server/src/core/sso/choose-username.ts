import type { DeviceContext } from '../accounts/security-log.js';
import type { IssuedSession } from '../accounts/sessions.js';
import { ParleyError } from '../errors.js';
import { createAndSignIn } from './sign-in-user.js';
import { iso, sha256, type SsoContext } from './sso-context.js';

/**
 * `POST /api/v1/auth/oidc/username`: the name a first sign-in picked. A taken or invalid name keeps
 * the ticket (the person tries another); the account is created once, since the identity is unique,
 * and the ticket is then used up.
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
  const created = await createAndSignIn(ctx, found.pending, input.username, device);
  if (created === 'invalid') throw new ParleyError('INVALID_USERNAME');
  if (created === 'taken') throw new ParleyError('USERNAME_TAKEN');
  await ctx.store.consumeSsoCode(ticketHash, now);
  return created;
}
