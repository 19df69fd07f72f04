import type { User } from '../../../../protocol/index.js';
import type { StoredMembership, StoredRoom } from '../../ports/store.js';
import { roomDomain } from '../authz/authorizer.js';
import type { CoreContext } from '../context.js';
import { decideRoomAction, type Permits } from '../conversations/room-policy.js';

/**
 * The room view's `canModerate`: the gate would let me set the room's modes or delete any message.
 * Asked for every room of a listing, so the policies' answers are the remembered ones (`cachedCan`).
 */
export function canModerate(
  ctx: CoreContext,
  user: User,
  room: StoredRoom,
  membership: StoredMembership | undefined,
): boolean {
  const domain = roomDomain(room.name);
  const permits: Permits = (roles, action) =>
    roles.some((role) => ctx.authz.cachedCan({ role }, domain, action)) ||
    ctx.authz.cachedCan({ userId: user.id }, domain, action);
  return (
    decideRoomAction(room, membership, 'set_slow_mode', permits) === 'allow' ||
    decideRoomAction(room, membership, 'delete_any', permits) === 'allow'
  );
}
