import { ParleyError } from '../errors.js';
import type { PasskeyContext, Via } from './passkey-context.js';

/** Removes one of my passkeys, after a recent proof (a stolen session must not strip my sign-in). */
export async function removePasskey(
  ctx: PasskeyContext,
  userId: string,
  sessionId: string,
  id: string,
  via: Via,
): Promise<void> {
  await ctx.proofs.requireRecent(userId, sessionId);
  if (!(await ctx.store.removePasskey(userId, id))) throw new ParleyError('PASSKEY_NOT_FOUND');
  await ctx.securityLog.record('passkey_removed', userId, sessionId, via);
}
