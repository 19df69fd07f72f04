import type { Room, User } from '../../../../protocol/index.js';
import type { RoomListing, StoredMembership, StoredRoom } from '../../ports/store.js';
import type { CoreContext } from '../context.js';
import { toUser } from '../events.js';
import { canModerate } from '../moderation/can-moderate.js';

/**
 * A room as one person sees it: with my role, read marker and counts when I am a member; its modes
 * when they are on; whether I may moderate it, and until when I am muted in it.
 */
export function toRoomView(
  ctx: CoreContext,
  user: User,
  room: StoredRoom,
  membership: StoredMembership | undefined,
  extra: Partial<Pick<RoomListing, 'unread' | 'mentions' | 'members'>> = {},
): Room {
  const view: Room = {
    name: room.name,
    kind: room.kind,
    visibility: room.visibility,
    topic: room.topic,
    lastSeq: room.lastSeq,
    memberCount: room.memberCount,
    createdAt: room.createdAt,
    member: membership !== undefined,
  };
  if (extra.members) view.members = extra.members.map(toUser);
  if (membership) {
    view.role = membership.role;
    view.lastReadSeq = membership.lastReadSeq;
    view.unread = extra.unread ?? 0;
    view.mentions = extra.mentions ?? 0;
    const now = new Date(ctx.clock.now()).toISOString();
    if (membership.mutedUntil !== null && membership.mutedUntil > now) view.mutedUntil = membership.mutedUntil;
  }
  if (room.readOnly) view.readOnly = true;
  if (room.slowModeSeconds > 0) view.slowModeSeconds = room.slowModeSeconds;
  if (canModerate(ctx, user, room, membership)) view.canModerate = true;
  return view;
}
