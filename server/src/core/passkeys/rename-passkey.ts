import type { PasskeyView } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import type { PasskeyContext } from './passkey-context.js';
import { toPasskeyView } from './passkey-view.js';

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
