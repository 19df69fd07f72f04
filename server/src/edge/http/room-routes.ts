import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  CreateRoomBody,
  Limits,
  OpenDmBody,
  ReadBody,
  UpdateRoomBody,
  UsernameBody,
} from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { createRoom } from '../../core/conversations/actions/create-room.js';
import { getRoom, listRooms } from '../../core/conversations/actions/list-rooms.js';
import { markRead } from '../../core/conversations/actions/mark-read.js';
import { addMember, joinAsMember, listMembers, removeMember } from '../../core/conversations/actions/members.js';
import { openDm } from '../../core/conversations/actions/open-dm.js';
import { updateRoom } from '../../core/conversations/actions/update-room.js';
import { identityOf } from './require-auth.js';
import { validate } from './validate.js';

const RoomParams = z.strictObject({ room: z.string().regex(Limits.ROOM_PATTERN) });
const MemberParams = z.strictObject({
  room: z.string().regex(Limits.ROOM_PATTERN),
  username: z.string().max(256),
});

/**
 * Rooms, members, DMs and read markers. Thin: each route validates its input strictly, then runs one
 * use case, which asks the access gate. A room I may not see answers 404 ROOM_NOT_FOUND on every route.
 */
export function roomRoutes(app: FastifyInstance, core: ChatCore, auth: preHandlerAsyncHookHandler): void {
  const ctx = core.ctx;
  const me = (request: Parameters<typeof identityOf>[0]) => identityOf(request).user;

  app.get('/api/v1/rooms', { preHandler: auth }, async (request) => ({ rooms: await listRooms(ctx, me(request)) }));

  app.post('/api/v1/rooms', { preHandler: auth }, async (request, reply) => {
    const body = validate(CreateRoomBody, request.body);
    const room = await createRoom(ctx, me(request), body);
    return reply.status(201).send({ room });
  });

  app.get('/api/v1/rooms/:room', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { room: await getRoom(ctx, me(request), room) };
  });

  app.patch('/api/v1/rooms/:room', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const change = validate(UpdateRoomBody, request.body);
    return { room: await updateRoom(ctx, me(request), room, change) };
  });

  app.get('/api/v1/rooms/:room/members', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { members: await listMembers(ctx, me(request), room) };
  });

  app.post('/api/v1/rooms/:room/members', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const { username } = validate(UsernameBody, request.body);
    return { room: await addMember(ctx, me(request), room, username) };
  });

  app.delete('/api/v1/rooms/:room/members/:username', { preHandler: auth }, async (request, reply) => {
    const { room, username } = validate(MemberParams, request.params);
    await removeMember(ctx, me(request), room, username);
    return reply.status(204).send();
  });

  app.post('/api/v1/rooms/:room/join', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    await joinAsMember(ctx, me(request), room);
    return { room: await getRoom(ctx, me(request), room) };
  });

  app.post('/api/v1/rooms/:room/leave', { preHandler: auth }, async (request, reply) => {
    const { room } = validate(RoomParams, request.params);
    const user = me(request);
    await removeMember(ctx, user, room, user.username);
    return reply.status(204).send();
  });

  app.post('/api/v1/rooms/:room/read', { preHandler: auth }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const { seq } = validate(ReadBody, request.body);
    return { seq: await markRead(ctx, me(request), room, seq) };
  });

  app.post('/api/v1/dms', { preHandler: auth }, async (request) => {
    const body = validate(OpenDmBody, request.body);
    const usernames = 'usernames' in body ? body.usernames : [body.username];
    return { room: await openDm(ctx, me(request), usernames) };
  });
}
