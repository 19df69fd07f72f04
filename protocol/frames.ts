/**
 * The v1 wire contract: every frame both ways, defined once as zod schemas so the TypeScript
 * types and the runtime validators cannot drift. New types and fields may be added; existing
 * ones keep their meaning.
 */
import { z } from 'zod';
import { Limits } from './limits.js';
import { ERROR_CODE_LIST } from './errors.js';

export const SUBPROTOCOL = 'parley.v1';
export const AUTH_SUBPROTOCOL_PREFIX = 'parley.auth.';

const roomName = z.string().regex(Limits.ROOM_PATTERN);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/**
 * A lone surrogate cannot be stored as UTF-8, and PostgreSQL text cannot hold U+0000: refuse both
 * rather than change the text silently, so every stored message reads back byte for byte.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !text.includes('\u0000');
}

const clientMsgId = z
  .string()
  .min(1)
  .max(Limits.CLIENT_MSG_ID_MAX)
  .regex(/^[\x21-\x7e]+$/);

// ---------------------------------------------------------------- shared shapes

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  color: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  room: z.string(),
  seq: z.number().int(),
  user: UserSchema,
  text: z.string(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof MessageSchema>;

export const RoomSchema = z.object({
  name: z.string(),
  lastSeq: z.number().int(),
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
});
export const HistoryRequestFrame = z.strictObject({
  type: z.literal('history'),
  room: roomName,
  before: seq,
  limit: z.number().int().min(1).max(Limits.HISTORY_PAGE_MAX),
});
export const TypingRequestFrame = z.strictObject({ type: z.literal('typing'), room: roomName });
export const PingFrame = z.strictObject({ type: z.literal('ping') });

export const ClientFrameSchema = z.discriminatedUnion('type', [
  JoinFrame,
  LeaveFrame,
  SendFrame,
  HistoryRequestFrame,
  TypingRequestFrame,
  PingFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];

// ---------------------------------------------------------------- server → client

export const ReadyFrame = z.object({ type: z.literal('ready'), user: UserSchema, sessionId: z.string() });
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
export const LeftFrame = z.object({ type: z.literal('left'), room: z.string() });
export const PongFrame = z.object({ type: z.literal('pong') });
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODE_LIST as [string, ...string[]]),
  message: z.string(),
  ref: z.string().optional(),
  retryAfter: z.number().optional(),
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
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type ErrorFrameT = z.infer<typeof ErrorFrame>;

// ---------------------------------------------------------------- HTTP bodies

export const CredentialsBody = z.strictObject({
  username: z.string().max(256),
  password: z.string().max(1024),
});
export type Credentials = z.infer<typeof CredentialsBody>;

/** The answer to login and to refresh. */
export interface LoginResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  /** Also set as an HttpOnly cookie (Path=/api/v1/auth); browsers need not keep it. */
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: User;
}
