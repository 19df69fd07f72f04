/**
 * What the HTTP API answers, as zod schemas: the routes declare them per status, and the OpenAPI
 * document (`GET /api/v1/openapi.json`) is generated from them and from the request schemas the
 * routes validate with. Tests check every real answer against that document.
 */
import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from './errors.js';
import { RoomRoleSchema, UserSchema } from './events.js';
import { MessageSchema, RoomSchema } from './frames.js';

/** The one error body (docs/errors.md); `until` and `reason` only on the refusals that carry them. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      retryAfter: z.number().optional(),
      until: z.string().optional(),
      reason: z.string().optional(),
    }),
  })
  .meta({
    id: 'ErrorBody',
    description: 'Any failure: the error body, with a stable code (docs/errors.md).',
  });

/** A member of a room, with their room role and when they joined. */
export const MemberViewSchema = z.object({ user: UserSchema, role: RoomRoleSchema, joinedAt: z.string() });

export const UserAnswer = z.object({ user: UserSchema });
export const RoomAnswer = z.object({ room: RoomSchema });
export const RoomsAnswer = z.object({ rooms: z.array(RoomSchema) });
export const MembersAnswer = z.object({ members: z.array(MemberViewSchema) });
export const HistoryAnswer = z.object({ messages: z.array(MessageSchema), hasMore: z.boolean() });
