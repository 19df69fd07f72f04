import type { User } from '../../../../../protocol/index.js';
import { accessRoom } from '../../access.js';
import type { CoreContext } from '../../context.js';
import { toUser } from '../../events.js';
import type { BanView } from './ban.js';

/** Most bans one listing returns. */
const BANS_LISTED_MAX = 1000;

/** The room's bans, newest first: for those who may ban there (FORBIDDEN for anyone else). */
export async function listBans(ctx: CoreContext, actor: User, room: string): Promise<BanView[]> {
  const { room: found } = await accessRoom(ctx, actor, room, 'ban');
  const bans = await ctx.store.listBans(found.name, BANS_LISTED_MAX);
  return bans.map((ban) => ({
    user: toUser({ id: ban.userId, username: ban.username }),
    ...(ban.reason === '' ? {} : { reason: ban.reason }),
    bannedBy: toUser({ id: ban.bannedBy, username: ban.bannedByName }),
    bannedAt: ban.bannedAt,
  }));
}
