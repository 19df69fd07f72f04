import type { Room } from '../../../../protocol/index.js';
import type { RoomListing, StoredMembership, StoredRoom } from '../../ports/store.js';
import { toUser } from '../events.js';

/** A room as one person sees it: with my role, read marker and counts when I am a member. */
export function toRoomView(
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
  }
  return view;
}
