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
 */
import type { ErrorCode, RoomRole, Visibility } from '../../../protocol/index.js';

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
}

export interface StoredMembership {
  room: string;
  userId: string;
  role: RoomRole;
  joinedAt: string;
  lastReadSeq: number;
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
  /** reaction: {emoji, count}; member: {role}; room_change: {topic?, visibility?}; delete: {byModerator}. */
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
  | { kind: 'room_change'; room: string; actorId: string; topic?: string; visibility?: Visibility; at: string };

export type ChangeResult =
  | { status: 'applied'; event: StoredEvent }
  /** Nothing to do (a reaction already there, a member already in): no event, no seq. */
  | { status: 'unchanged' }
  | { status: 'refused'; code: ErrorCode };

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
  /** Moves my marker to `seq` if that is forward (capped at the room's last seq); the marker after it, or undefined if I am not a member. */
  markRead(room: string, userId: string, seq: number): Promise<number | undefined>;
}
