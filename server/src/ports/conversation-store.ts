/**
 * The conversation half of the Store: rooms, memberships, room events, reactions, mentions and
 * read markers. Guarantees every adapter gives (the contract suite proves them):
 *
 * - Every change (`applyChange`, `createRoom`) takes its room's next seq in the same transaction
 *   that changes the state and stores the event, shared with messages: seqs of a room, whatever the
 *   kind, are gap-free and strictly increasing under concurrent writers, on every node.
 * - A refused change (`refused`, `unchanged`) writes nothing and takes no seq.
 * - Deleting a message erases its text from the database (the message row and every event); the
 *   event log stores no message text at all — an edit event reads the message's current text.
 * - A read marker only moves forward, and never past the room's last seq.
 * - Moderation (ADR 0020) is room events too: a kick, a ban, a mute, a role or a room mode changes
 *   the state and stores its event in one transaction. A banned user cannot join or be added
 *   (`BANNED_FROM_ROOM`, checked under the room's lock), a muted member cannot edit or react
 *   (`MUTED` with until and reason); `appendMessage` refuses their messages the same way.
 */
import type { ErrorCode, ErrorDetails, RoomRole, Visibility } from '../../../protocol/index.js';

export type RoomKind = 'room' | 'dm';

export interface StoredRoom {
  name: string;
  kind: RoomKind;
  visibility: Visibility;
  topic: string;
  lastSeq: number;
  memberCount: number;
  createdAt: string;
  createdBy: string | null;
  /** Only those exempt (who may set the room's modes) may send. */
  readOnly: boolean;
  /** Least seconds between two messages of one person; 0: off. */
  slowModeSeconds: number;
}

export interface StoredMembership {
  room: string;
  userId: string;
  role: RoomRole;
  joinedAt: string;
  lastReadSeq: number;
  /** ISO time the mute ends (it applies while it is later than now), or null. */
  mutedUntil: string | null;
  muteReason: string | null;
}

/** A ban, with the names of who is banned and who banned them. */
export interface StoredBan {
  room: string;
  userId: string;
  username: string;
  reason: string;
  bannedBy: string;
  bannedByName: string;
  bannedAt: string;
}

export interface StoredMember {
  userId: string;
  username: string;
  role: RoomRole;
  joinedAt: string;
}

/** A room in someone's list, with their membership (if any) and counts. */
export interface RoomListing {
  room: StoredRoom;
  membership: StoredMembership | undefined;
  unread: number;
  mentions: number;
  /** For DMs: everyone in it. */
  members: { id: string; username: string }[] | undefined;
}

export type StoredEventKind =
  | 'edit'
  | 'delete'
  | 'reaction_add'
  | 'reaction_remove'
  | 'member_join'
  | 'member_add'
  | 'member_leave'
  | 'member_remove'
  | 'member_kick'
  | 'member_ban'
  | 'member_unban'
  | 'member_role'
  | 'member_mute'
  | 'member_unmute'
  | 'room_change';

/** One room event, with what it points at as it is now (names, the message's current text). */
export interface StoredEvent {
  room: string;
  seq: number;
  kind: StoredEventKind;
  actorId: string;
  actorName: string;
  createdAt: string;
  messageId: string | null;
  targetId: string | null;
  targetName: string | null;
  /** For edits: the message now (empty text once deleted). */
  message: { text: string; editedAt: string | null; deletedAt: string | null; mentions: string[] } | null;
  /**
   * reaction: {emoji, count}; member: {role}; member_kick/ban: {reason?}; member_role: {role};
   * member_mute: {until, reason?}; room_change: {topic?, visibility?, readOnly?, slowModeSeconds?};
   * delete: {byModerator}.
   */
  data: Record<string, unknown>;
}

export interface MembershipLimits {
  /** Rooms one user may belong to; DMs are counted apart, against the same number. */
  roomsPerUser: number;
  /** Members one room may have. */
  membersPerRoom: number;
}

export type RoomChange =
  | { kind: 'edit'; room: string; messageId: string; actorId: string; text: string; mentions: string[]; at: string }
  | { kind: 'delete'; room: string; messageId: string; actorId: string; byModerator: boolean; at: string }
  | {
      kind: 'reaction_add' | 'reaction_remove';
      room: string;
      messageId: string;
      actorId: string;
      emoji: string;
      maxDistinct: number;
      at: string;
    }
  /** `userId` joins a public room by themselves (actorId = userId) or is added by `actorId`. */
  | {
      kind: 'member_join' | 'member_add';
      room: string;
      actorId: string;
      userId: string;
      role: RoomRole;
      limits: MembershipLimits;
      at: string;
    }
  | { kind: 'member_leave' | 'member_remove'; room: string; actorId: string; userId: string; at: string }
  /** A moderator removes a member (kick), or removes them if a member and bars them (ban); `reason` may be ''. */
  | { kind: 'member_kick' | 'member_ban'; room: string; actorId: string; userId: string; reason: string; at: string }
  | { kind: 'member_unban'; room: string; actorId: string; userId: string; at: string }
  /** An owner sets a member's room role; the last owner cannot stop being one (LAST_OWNER). */
  | { kind: 'member_role'; room: string; actorId: string; userId: string; role: RoomRole; at: string }
  /** A member is muted until `until` (a later mute replaces it); unmute lifts a mute still running. */
  | { kind: 'member_mute'; room: string; actorId: string; userId: string; until: string; reason: string; at: string }
  | { kind: 'member_unmute'; room: string; actorId: string; userId: string; at: string }
  | {
      kind: 'room_change';
      room: string;
      actorId: string;
      topic?: string;
      visibility?: Visibility;
      readOnly?: boolean;
      slowModeSeconds?: number;
      at: string;
    };

export type ChangeResult =
  /**
   * `removedBlobs`: a deletion's files, whose rows went in the same transaction; their blobs are
   * the caller's to delete once this resolves (issue 18).
   */
  | { status: 'applied'; event: StoredEvent; removedBlobs?: string[] }
  /** Nothing to do (a reaction already there, a member already in): no event, no seq. */
  | { status: 'unchanged' }
  | { status: 'refused'; code: ErrorCode; details?: ErrorDetails };

export interface NewRoom {
  name: string;
  kind: RoomKind;
  visibility: Visibility;
  topic: string;
  createdBy: string;
  at: string;
  /** Everyone in it from the start, the creator first; each gets a member_join event. */
  members: { userId: string; role: RoomRole }[];
}

export type CreateRoomResult =
  | { status: 'created'; room: StoredRoom; events: StoredEvent[] }
  | { status: 'taken' }
  | { status: 'refused'; code: ErrorCode };

export interface ConversationStore {
  findRoom(name: string): Promise<StoredRoom | undefined>;
  /** Creates the room with its first members; 'taken' if the name exists (nothing changes then). */
  createRoom(room: NewRoom, limits: MembershipLimits): Promise<CreateRoomResult>;
  findMembership(room: string, userId: string): Promise<StoredMembership | undefined>;
  /** Up to `limit` members, owners first, then by name. */
  listMembers(room: string, limit: number): Promise<StoredMember[]>;
  /** Every room I belong to, then up to `publicLimit` public rooms I do not, by name. */
  listRoomsFor(userId: string, publicLimit: number, unreadCap: number): Promise<RoomListing[]>;
  /** Ids of the users with these usernames (any case) who are members of the room. */
  membersNamed(room: string, usernames: string[]): Promise<string[]>;
  applyChange(change: RoomChange): Promise<ChangeResult>;
  /** Non-message events with seq > afterSeq, ascending, at most `limit`. */
  eventsAfter(room: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The room's bans, newest first, at most `limit`. */
  listBans(room: string, limit: number): Promise<StoredBan[]>;
  /** Moves my marker to `seq` if that is forward (capped at the room's last seq); the marker after it, or undefined if I am not a member. */
  markRead(room: string, userId: string, seq: number): Promise<number | undefined>;
}
