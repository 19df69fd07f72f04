import type { ChooseUsernameAnswer } from '../../../../protocol/index.js';
import type { DeviceContext } from '../accounts/security-log.js';
import type { IssuedSession } from '../accounts/sessions.js';
import { ParleyError } from '../errors.js';
import { suggestUsername } from './derive-username.js';
import { createAndSignIn, signInAs } from './sign-in-user.js';
import { iso, randomToken, sha256, USERNAME_TICKET_TTL_SECONDS, type SsoContext } from './sso-context.js';

/**
 * `POST /api/v1/auth/oidc/exchange`: the redirect's one-time code for a session. The code is used up
 * by the first call whatever follows; unknown, used, expired (60 s) or presented by another browser:
 * EXCHANGE_CODE_INVALID, and a second use is recorded as `sso_code_reuse` on the code's user (the
 * code leaked, or the redirect was replayed). A first sign-in whose name is taken or invalid answers
 * the username step instead (a ticket, 10 minutes, same browser).
 */
export async function exchange(
  ctx: SsoContext,
  code: string,
  bindingHash: string,
  device: DeviceContext,
): Promise<IssuedSession | ChooseUsernameAnswer> {
  const now = ctx.clock.now();
  const consumed = await ctx.store.consumeSsoCode(sha256(code), iso(now));
  if (!consumed || consumed.code.kind !== 'exchange') throw new ParleyError('EXCHANGE_CODE_INVALID');
  const found = consumed.code;
  if (consumed.outcome === 'reused') {
    // A first sign-in's code names no user yet: the account its first use made is the one to warn.
    const pending = found.pending;
    const ownerId =
      found.userId ?? (pending ? (await ctx.store.findSsoIdentity(pending.issuer, pending.subject))?.userId : null);
    if (ownerId) await ctx.securityLog.record('sso_code_reuse', ownerId, null, device);
    throw new ParleyError('EXCHANGE_CODE_INVALID');
  }
  if (bindingHash === '' || found.bindingHash !== bindingHash || found.expiresAt <= iso(now)) {
    throw new ParleyError('EXCHANGE_CODE_INVALID');
  }
  if (found.userId !== null) return signInAs(ctx, found.userId, device);
  if (!found.pending) throw new ParleyError('EXCHANGE_CODE_INVALID');
  const created = await createAndSignIn(ctx, found.pending, found.pending.wanted, device);
  if (typeof created !== 'string') return created;
  const ticket = randomToken();
  const expiresAt = iso(now + USERNAME_TICKET_TTL_SECONDS * 1000);
  await ctx.store.saveSsoCode({
    codeHash: sha256(ticket),
    kind: 'ticket',
    bindingHash,
    userId: null,
    pending: found.pending,
    createdAt: iso(now),
    expiresAt,
    usedAt: null,
  });
  const suggestion = await suggestUsername(ctx.store, found.pending.wanted);
  return { chooseUsername: { ticket, expiresAt, ...(suggestion === undefined ? {} : { suggestion }) } };
}
