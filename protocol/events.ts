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

export const RoomRoleSchema = z.enum(['owner', 'member']);
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
 * member_leave: `user` left; member_remove: `actor` removed `user`.
 */
export const MemberEventSchema = z.object({
  ...base,
  kind: z.enum(['member_join', 'member_add', 'member_leave', 'member_remove']),
  user: UserSchema,
  role: RoomRoleSchema.optional(),
});
/** Only what changed is present. */
export const RoomChangeEventSchema = z.object({
  ...base,
  kind: z.literal('room_change'),
  topic: z.string().optional(),
  visibility: VisibilitySchema.optional(),
});

export const RoomEventSchema = z.discriminatedUnion('kind', [
  EditEventSchema,
  DeleteEventSchema,
  ReactionEventSchema,
  MemberEventSchema,
  RoomChangeEventSchema,
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;
export type RoomEventKind = RoomEvent['kind'];
