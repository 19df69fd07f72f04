import type { PasskeyView } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import type { PasskeyContext, Via } from './passkey-context.js';
import { toPasskeyView } from './passkey-view.js';

/** My passkeys, oldest first. */
export async function listPasskeys(ctx: PasskeyContext, userId: string): Promise<PasskeyView[]> {
  return (await ctx.store.listPasskeys(userId)).map(toPasskeyView);
}

/** Renames one of my passkeys; someone else's answers like a missing one. */
export async function renamePasskey(
  ctx: PasskeyContext,
  userId: string,
  id: string,
  name: string,
): Promise<PasskeyView> {
  if (!(await ctx.store.renamePasskey(userId, id, name))) throw new ParleyError('PASSKEY_NOT_FOUND');
  const found = await ctx.store.findPasskey(id);
  if (!found || found.userId !== userId) throw new ParleyError('PASSKEY_NOT_FOUND');
  return toPasskeyView(found);
}

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
