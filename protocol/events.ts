/**
 * Room events: every durable change in a room other than a new message (which keeps its own
 * `message` frame, so v1 clients go on working). Each takes the room's next seq in the transaction
 * that stores it, reaches live sockets as an `event` frame, and is replayed in `joined.events` to a
 * client that resumes with `after`. Applying a room's messages and events in seq order to what a
 * client held gives exactly what a fresh load of history shows.
 */
import { z } from 'zod';

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  color: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const VisibilitySchema = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/** A room's roles, highest first: an owner also moderates; a moderator deletes, mutes, kicks and bans. */
export const RoomRoleSchema = z.enum(['owner', 'moderator', 'member']);
export type RoomRole = z.infer<typeof RoomRoleSchema>;

const base = {
  room: z.string(),
  seq: z.number().int(),
  at: z.string(),
  /** Who made the change. */
  actor: UserSchema,
};

/**
 * The message as it is now: its text when the event is replayed is the current text (a later edit's,
 * or empty once deleted), so a replay never brings back words that were taken back.
 */
export const EditEventSchema = z.object({
  ...base,
  kind: z.literal('edit'),
  messageId: z.string(),
  text: z.string(),
  editedAt: z.string(),
  mentions: z.array(z.string()),
});
/** The message's text is erased; `byModerator` when someone other than its author removed it. */
export const DeleteEventSchema = z.object({
  ...base,
  kind: z.literal('delete'),
  messageId: z.string(),
  byModerator: z.boolean(),
});
/** `count`: how many people had reacted with this emoji once the change was made. */
export const ReactionEventSchema = z.object({
  ...base,
  kind: z.enum(['reaction_add', 'reaction_remove']),
  messageId: z.string(),
  emoji: z.string(),
  count: z.number().int().nonnegative(),
});
/**
 * member_join: `user` joined a public room (or created the room); member_add: `actor` added `user`;
 * member_leave: `user` left; member_remove: `actor` removed `user` (an owner removing a member);
 * member_kick: a moderator removed `user` (they may join a public room again); member_ban: a
 * moderator removed `user` and bars them from coming back; member_unban lifts that; member_role:
 * `actor` gave `user` the room role `role`. `reason` is the moderator's, when they gave one.
 */
export const MemberEventSchema = z.object({
  ...base,
  kind: z.enum([
    'member_join',
    'member_add',
    'member_leave',
    'member_remove',
    'member_kick',
    'member_ban',
    'member_unban',
    'member_role',
  ]),
  user: UserSchema,
  role: RoomRoleSchema.optional(),
  reason: z.string().optional(),
});
/** A moderator muted `user` in this room until `until` (their sends are refused with MUTED), or lifted it. */
export const MuteEventSchema = z.object({
  ...base,
  kind: z.literal('member_mute'),
  user: UserSchema,
  until: z.string(),
  reason: z.string().optional(),
});
export const UnmuteEventSchema = z.object({
  ...base,
  kind: z.literal('member_unmute'),
  user: UserSchema,
});
/**
 * Only what changed is present. `readOnly`: only the room's moderators (and owners) may write.
 * `slowModeSeconds`: the least time between two messages of one person (0: off); moderators are exempt.
 */
export const RoomChangeEventSchema = z.object({
  ...base,
  kind: z.literal('room_change'),
  topic: z.string().optional(),
  visibility: VisibilitySchema.optional(),
  readOnly: z.boolean().optional(),
  slowModeSeconds: z.number().int().nonnegative().optional(),
});

export const RoomEventSchema = z.discriminatedUnion('kind', [
  EditEventSchema,
  DeleteEventSchema,
  ReactionEventSchema,
  MemberEventSchema,
  MuteEventSchema,
  UnmuteEventSchema,
  RoomChangeEventSchema,
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;
export type RoomEventKind = RoomEvent['kind'];
