/**
 * The v1 wire contract: every frame both ways, defined once as zod schemas so the TypeScript
 * types and the runtime validators cannot drift. New types and fields may be added; existing
 * ones keep their meaning.
 */
import { z } from 'zod';
import { Limits } from './limits.js';
import { isWellFormed } from './message-text.js';
import { FileIdSchema, FileRefSchema } from './files.js';
import { ERROR_CODE_LIST } from './errors.js';
import { RoomEventSchema, RoomRoleSchema, UserSchema, VisibilitySchema } from './events.js';

export { UserSchema, type User } from './events.js';

export const SUBPROTOCOL = 'parley.v1';
export const AUTH_SUBPROTOCOL_PREFIX = 'parley.auth.';

const roomName = z.string().regex(Limits.ROOM_PATTERN);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const clientMsgId = z
  .string()
  .min(1)
  .max(Limits.CLIENT_MSG_ID_MAX)
  .regex(/^[\x21-\x7e]+$/);

// ---------------------------------------------------------------- shared shapes

/** Reactions on a message as one viewer sees them: per emoji, how many, and whether I am one. */
export const ReactionSchema = z.object({ emoji: z.string(), count: z.number().int(), mine: z.boolean() });
export type Reaction = z.infer<typeof ReactionSchema>;

/** The message a reply answers, as it is now: a short excerpt, or `deleted` and no text. */
export const QuoteSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  user: UserSchema,
  excerpt: z.string(),
  deleted: z.boolean(),
});
export type Quote = z.infer<typeof QuoteSchema>;

/**
 * `text` is empty once the message is deleted (`deletedAt` set). `mentions` lists the ids of the
 * room members its `@names` resolved to. `reactions` is per viewer (`mine`), so it is present in
 * replies to one client (`joined`, `history`, HTTP) and absent from broadcast frames.
 */
export const MessageSchema = z.object({
  id: z.string(),
  room: z.string(),
  seq: z.number().int(),
  user: UserSchema,
  text: z.string(),
  createdAt: z.string(),
  editedAt: z.string().optional(),
  deletedAt: z.string().optional(),
  replyTo: QuoteSchema.optional(),
  mentions: z.array(z.string()).optional(),
  reactions: z.array(ReactionSchema).optional(),
  /** Attached files (issue 18); absent when none. Gone once the message is deleted. */
  files: z.array(FileRefSchema).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/**
 * A room as `GET /rooms` and `GET /rooms/:room` show it to one person. `kind` is `dm` for a direct
 * conversation (always private; `members` names who is in it). The `my*` fields are present when I
 * am a member: my role, the last seq I have read, and how many messages after it are not mine
 * (`unread`) or mention me (`mentions`).
 */
export const RoomSchema = z.object({
  name: z.string(),
  kind: z.enum(['room', 'dm']),
  visibility: VisibilitySchema,
  topic: z.string(),
  lastSeq: z.number().int(),
  memberCount: z.number().int(),
  createdAt: z.string(),
  members: z.array(UserSchema).optional(),
  member: z.boolean(),
  role: RoomRoleSchema.optional(),
  lastReadSeq: z.number().int().optional(),
  unread: z.number().int().optional(),
  mentions: z.number().int().optional(),
  /** Only moderators and owners may write (see RoomChangeEvent). Absent: false. */
  readOnly: z.boolean().optional(),
  /** Least seconds between two messages of one person; absent or 0: off. */
  slowModeSeconds: z.number().int().optional(),
  /** I may moderate this room (delete any message, mute, kick, ban, set read-only or slow mode). */
  canModerate: z.boolean().optional(),
  /** I am muted here until then. */
  mutedUntil: z.string().optional(),
});
export type Room = z.infer<typeof RoomSchema>;

// ---------------------------------------------------------------- client → server

export const JoinFrame = z.strictObject({ type: z.literal('join'), room: roomName, after: seq.optional() });
export const LeaveFrame = z.strictObject({ type: z.literal('leave'), room: roomName });
export const SendFrame = z.strictObject({
  type: z.literal('send'),
  room: roomName,
  // Length is checked after trimming by the core, which knows the configured limit; this bound
  // only stops absurd frames early.
  text: z
    .string()
    .max(Limits.MESSAGE_MAX_CHARS * 4)
    .refine(isWellFormed, 'text must be well-formed Unicode without NUL (no lone surrogates, no U+0000)'),
  clientMsgId,
  /** The id of the message this one answers, in the same room. */
  replyTo: z.string().min(1).max(64).optional(),
  /**
   * My own uploads to this room, not yet attached, to attach to this message (issue 18). With
   * files, the text may be empty.
   */
  files: z.array(FileIdSchema).min(1).max(Limits.FILES_PER_MESSAGE_MAX).optional(),
});
const messageText = z
  .string()
  .max(Limits.MESSAGE_MAX_CHARS * 4)
  .refine(isWellFormed, 'text must be well-formed Unicode without NUL (no lone surrogates, no U+0000)');
const messageId = z.string().min(1).max(64);
/** Replace the text of one of my messages; the same limits as `send`. */
export const EditFrame = z.strictObject({ type: z.literal('edit'), room: roomName, messageId, text: messageText });
/** Delete one of my messages: its text is erased and a tombstone stays in its place. */
export const DeleteFrame = z.strictObject({ type: z.literal('delete'), room: roomName, messageId });
/** Add (or, with `remove: true`, take back) my reaction with one emoji. */
export const ReactFrame = z.strictObject({
  type: z.literal('react'),
  room: roomName,
  messageId,
  emoji: z.string().min(1).max(Limits.EMOJI_MAX_UNITS),
  remove: z.boolean().optional(),
});
/** I have read the room up to `seq`; the marker only moves forward. */
export const ReadRequestFrame = z.strictObject({ type: z.literal('read'), room: roomName, seq });
export const HistoryRequestFrame = z.strictObject({
  type: z.literal('history'),
  room: roomName,
  before: seq,
  limit: z.number().int().min(1).max(Limits.HISTORY_PAGE_MAX),
});
export const TypingRequestFrame = z.strictObject({ type: z.literal('typing'), room: roomName });
export const PingFrame = z.strictObject({ type: z.literal('ping') });
/**
 * A fresh access token for this socket, sent after the client refreshed: the socket's deadline
 * moves to the token's expiry (never past the session's end). Same user and session as the socket.
 */
export const RenewFrame = z.strictObject({
  type: z.literal('renew'),
  token: z.string().min(1).max(Limits.ACCESS_TOKEN_MAX_CHARS),
});

export const ClientFrameSchema = z.discriminatedUnion('type', [
  JoinFrame,
  LeaveFrame,
  SendFrame,
  HistoryRequestFrame,
  TypingRequestFrame,
  PingFrame,
  RenewFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  ReadRequestFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];

// ---------------------------------------------------------------- server → client

/**
 * The limits this server applies to my messages (its config, which may be tighter than the
 * defaults in limits.ts): the composer checks text against them, and the outbox paces itself to
 * the message rate so that an honest burst is never refused. Absent from older servers.
 */
export const ServerLimitsSchema = z.object({
  messageMaxChars: z.number().int().positive(),
  messageMaxBytes: z.number().int().positive(),
  /** Steady messages per second per user, across their sockets (RATE_LIMIT_MESSAGES_PER_SECOND). */
  messagesPerSecond: z.number().positive(),
  /** Messages a user may send at once above the steady rate (RATE_LIMIT_MESSAGES_BURST). */
  messagesBurst: z.number().int().nonnegative(),
});
export type ServerLimits = z.infer<typeof ServerLimitsSchema>;
export const ReadyFrame = z.object({
  type: z.literal('ready'),
  user: UserSchema,
  sessionId: z.string(),
  limits: ServerLimitsSchema.optional(),
  /** My global roles (`admin`, `moderator`); absent or empty for everyone else. */
  roles: z.array(z.string()).optional(),
});
export const JoinedFrame = z.object({
  type: z.literal('joined'),
  room: z.string(),
  messages: z.array(MessageSchema),
  /** false: the replay after `after` was cut short; the client must reload history. */
  complete: z.boolean(),
  /** Up to Limits.ONLINE_LIST_MAX users; presence diffs keep the list current after that. */
  online: z.array(UserSchema),
  /** Everyone online in the room, listed or not. */
  onlineCount: z.number().int().nonnegative(),
  /**
   * With `after` (and `complete`): every other event after it, in seq order, to apply with
   * `messages` by seq. Without `after`: empty, since `messages` are in their current state.
   */
  events: z.array(RoomEventSchema).optional(),
  /** The room's seq this answer covers: live frames continue from the next one. */
  lastSeq: z.number().int().optional(),
  /** The last seq I have read (0 if none): where "new messages" begin. */
  lastReadSeq: z.number().int().optional(),
});
export const AckFrame = z.object({ type: z.literal('ack'), clientMsgId: z.string(), message: MessageSchema });
export const MessageFrame = z.object({ type: z.literal('message'), message: MessageSchema });
export const HistoryFrame = z.object({
  type: z.literal('history'),
  room: z.string(),
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export const PresenceFrame = z.object({
  type: z.literal('presence'),
  room: z.string(),
  joined: z.array(UserSchema),
  left: z.array(UserSchema),
});
export const TypingFrame = z.object({ type: z.literal('typing'), room: z.string(), user: UserSchema });
/**
 * The socket no longer follows the room. `reason`: `left` (I left it, here or on another device),
 * `removed` (an owner removed me), `kicked` or `banned` (a moderator did, `detail` saying why when
 * they said). Absent: the answer to my own `leave` frame.
 */
export const LeftFrame = z.object({
  type: z.literal('left'),
  room: z.string(),
  reason: z.enum(['left', 'removed', 'kicked', 'banned']).optional(),
  detail: z.string().optional(),
});
/** Any other durable change in a room I follow (see events.ts). */
export const EventFrame = z.object({ type: z.literal('event'), event: RoomEventSchema });
/** My read marker in a room moved (from this socket or another of my devices). */
export const ReadFrame = z.object({ type: z.literal('read'), room: z.string(), seq: z.number().int() });
/** My list of rooms changed (I joined, left, was added or removed, a DM opened): fetch `GET /rooms`. */
export const RoomsChangedFrame = z.object({ type: z.literal('rooms-changed'), room: z.string() });
export const PongFrame = z.object({ type: z.literal('pong') });
/** The answer to a good `renew`: the socket now stays open until `expiresAt` (ISO time) unless renewed again. */
export const RenewedFrame = z.object({ type: z.literal('renewed'), expiresAt: z.string() });
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODE_LIST as [string, ...string[]]),
  message: z.string(),
  ref: z.string().optional(),
  /** The room the refused frame named, when it named one (so a client knows which join failed). */
  room: z.string().optional(),
  retryAfter: z.number().optional(),
  /** MUTED: until when (ISO time). */
  until: z.string().optional(),
  /** MUTED, ACCOUNT_SUSPENDED: the moderator's or admin's reason, when they gave one. */
  reason: z.string().optional(),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  ReadyFrame,
  JoinedFrame,
  AckFrame,
  MessageFrame,
  HistoryFrame,
  PresenceFrame,
  TypingFrame,
  LeftFrame,
  PongFrame,
  RenewedFrame,
  ErrorFrame,
  EventFrame,
  ReadFrame,
  RoomsChangedFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type ErrorFrameT = z.infer<typeof ErrorFrame>;

// ---------------------------------------------------------------- HTTP bodies

export const CredentialsBody = z.strictObject({
  username: z.string().max(256),
  password: z.string().max(1024),
});
export type Credentials = z.infer<typeof CredentialsBody>;

export const CreateRoomBody = z.strictObject({
  name: roomName,
  topic: z
    .string()
    .max(Limits.ROOM_TOPIC_MAX_CHARS * 2)
    .optional(),
  visibility: VisibilitySchema.default('public'),
});
export const UpdateRoomBody = z
  .strictObject({
    topic: z
      .string()
      .max(Limits.ROOM_TOPIC_MAX_CHARS * 2)
      .optional(),
    visibility: VisibilitySchema.optional(),
  })
  .refine((body) => body.topic !== undefined || body.visibility !== undefined, 'nothing to change');
export const UsernameBody = z.strictObject({ username: z.string().max(256) });
/** One other person, or (a group conversation) up to DM_MEMBERS_MAX - 1 others. */
export const OpenDmBody = z.union([
  UsernameBody,
  z.strictObject({
    usernames: z
      .array(z.string().max(256))
      .min(1)
      .max(Limits.DM_MEMBERS_MAX - 1),
  }),
]);
export const ReadBody = z.strictObject({ seq });

/** The answer to login and to refresh. */
export const LoginResponseSchema = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  /** Also set as an HttpOnly cookie (Path=/api/v1/auth); browsers need not keep it. */
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string(),
  user: UserSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
