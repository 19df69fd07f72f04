import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  BanSchema,
  Limits,
  MemberRoleBody,
  MemberViewSchema,
  ModerateUserBody,
  MuteBody,
  MuteSchema,
  RoomAnswer,
  RoomModerationBody,
} from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { banUser } from '../../core/moderation/actions/ban.js';
import { kickMember } from '../../core/moderation/actions/kick.js';
import { listBans } from '../../core/moderation/actions/list-bans.js';
import { muteMember } from '../../core/moderation/actions/mute.js';
import { setMemberRole } from '../../core/moderation/actions/set-member-role.js';
import { setRoomMode } from '../../core/moderation/actions/set-room-mode.js';
import { unbanUser } from '../../core/moderation/actions/unban.js';
import { unmuteMember } from '../../core/moderation/actions/unmute.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema, type RouteDoc } from './route-schema.js';
import { validate } from './validate.js';

const RoomParams = z.strictObject({ room: z.string().regex(Limits.ROOM_PATTERN) });
const UserParams = z.strictObject({
  room: z.string().regex(Limits.ROOM_PATTERN),
  username: z.string().max(256),
});

const doc = (summary: string, rest: Pick<RouteDoc, 'params' | 'body' | 'response'>) =>
  routeSchema({ tag: 'moderation', summary, auth: true, ...rest });
const docs = {
  mute: doc('Mute a member for a while.', { params: RoomParams, body: MuteBody, response: { 200: MuteSchema } }),
  unmute: doc('Lift a mute.', { params: UserParams, response: { 204: NoContent } }),
  kick: doc('Remove a member (they may come back to a public room).', {
    params: RoomParams,
    body: ModerateUserBody,
    response: { 204: NoContent },
  }),
  ban: doc('Remove a member and bar them from coming back.', {
    params: RoomParams,
    body: ModerateUserBody,
    response: { 200: z.object({ ban: BanSchema }) },
  }),
  bans: doc("A room's bans.", { params: RoomParams, response: { 200: z.object({ bans: z.array(BanSchema) }) } }),
  unban: doc('Lift a ban.', { params: UserParams, response: { 204: NoContent } }),
  mode: doc('Set read-only or slow mode.', {
    params: RoomParams,
    body: RoomModerationBody,
    response: { 200: RoomAnswer },
  }),
  role: doc("Set a member's room role.", {
    params: UserParams,
    body: MemberRoleBody,
    response: { 200: z.object({ member: MemberViewSchema }) },
  }),
};

/**
 * Room moderation (ADR 0020): mutes, kicks, bans, room modes and room roles. Thin: each route
 * validates strictly and runs one use case of core/moderation, which asks the room gate.
 */
export function moderationRoutes(app: FastifyInstance, core: ChatCore, auth: preHandlerAsyncHookHandler): void {
  const ctx = core.ctx;
  const me = (request: Parameters<typeof identityOf>[0]) => identityOf(request).user;

  app.post('/api/v1/rooms/:room/mutes', { preHandler: auth, schema: docs.mute }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return muteMember(ctx, me(request), room, validate(MuteBody, request.body));
  });

  app.delete(
    '/api/v1/rooms/:room/mutes/:username',
    { preHandler: auth, schema: docs.unmute },
    async (request, reply) => {
      const { room, username } = validate(UserParams, request.params);
      await unmuteMember(ctx, me(request), room, username);
      return reply.status(204).send();
    },
  );

  app.post('/api/v1/rooms/:room/kicks', { preHandler: auth, schema: docs.kick }, async (request, reply) => {
    const { room } = validate(RoomParams, request.params);
    await kickMember(ctx, me(request), room, validate(ModerateUserBody, request.body));
    return reply.status(204).send();
  });

  app.post('/api/v1/rooms/:room/bans', { preHandler: auth, schema: docs.ban }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { ban: await banUser(ctx, me(request), room, validate(ModerateUserBody, request.body)) };
  });

  app.get('/api/v1/rooms/:room/bans', { preHandler: auth, schema: docs.bans }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { bans: await listBans(ctx, me(request), room) };
  });

  app.delete('/api/v1/rooms/:room/bans/:username', { preHandler: auth, schema: docs.unban }, async (request, reply) => {
    const { room, username } = validate(UserParams, request.params);
    await unbanUser(ctx, me(request), room, username);
    return reply.status(204).send();
  });

  app.patch('/api/v1/rooms/:room/moderation', { preHandler: auth, schema: docs.mode }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { room: await setRoomMode(ctx, me(request), room, validate(RoomModerationBody, request.body)) };
  });

  app.patch('/api/v1/rooms/:room/members/:username', { preHandler: auth, schema: docs.role }, async (request) => {
    const { room, username } = validate(UserParams, request.params);
    const { role } = validate(MemberRoleBody, request.body);
    return { member: await setMemberRole(ctx, me(request), room, username, role) };
  });
}
