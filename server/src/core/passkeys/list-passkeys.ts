import type { PasskeyView } from '../../../../protocol/index.js';
import type { PasskeyContext } from './passkey-context.js';
import { toPasskeyView } from './passkey-view.js';

/** My passkeys, oldest first. */
export async function listPasskeys(ctx: PasskeyContext, userId: string): Promise<PasskeyView[]> {
  return (await ctx.store.listPasskeys(userId)).map(toPasskeyView);
}
