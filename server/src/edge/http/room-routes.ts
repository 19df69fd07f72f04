import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  CreateRoomBody,
  Limits,
  MembersAnswer,
  OpenDmBody,
  ReadBody,
  RoomAnswer,
  RoomsAnswer,
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
import { NoContent, routeSchema, type RouteDoc } from './route-schema.js';
import { validate } from './validate.js';

const RoomParams = z.strictObject({ room: z.string().regex(Limits.ROOM_PATTERN) });
const MemberParams = z.strictObject({
  room: z.string().regex(Limits.ROOM_PATTERN),
  username: z.string().max(256),
});

const doc = (tag: string, summary: string, rest: Partial<RouteDoc> & Pick<RouteDoc, 'response'>) =>
  routeSchema({ tag, summary, auth: true, ...rest });
const docs = {
  list: doc('rooms', 'The rooms I am in, and public rooms I may join.', { response: { 200: RoomsAnswer } }),
  create: doc('rooms', 'Create a room (I become its owner).', { body: CreateRoomBody, response: { 201: RoomAnswer } }),
  get: doc('rooms', 'One room.', { params: RoomParams, response: { 200: RoomAnswer } }),
  update: doc('rooms', "Change a room's topic or visibility (owners).", {
    params: RoomParams,
    body: UpdateRoomBody,
    response: { 200: RoomAnswer },
  }),
  members: doc('members', "A room's members.", { params: RoomParams, response: { 200: MembersAnswer } }),
  addMember: doc('members', 'Add someone to a room.', {
    params: RoomParams,
    body: UsernameBody,
    response: { 200: RoomAnswer },
  }),
  removeMember: doc('members', 'Remove someone from a room (owners).', {
    params: MemberParams,
    response: { 204: NoContent },
  }),
  join: doc('members', 'Join a public room.', { params: RoomParams, response: { 200: RoomAnswer } }),
  leave: doc('members', 'Leave a room.', { params: RoomParams, response: { 204: NoContent } }),
  read: doc('rooms', 'Move my read marker forward.', {
    params: RoomParams,
    body: ReadBody,
    response: { 200: z.object({ seq: z.number().int() }) },
  }),
  dm: doc('dms', 'Open (or find) a direct conversation with one or more people.', {
    body: OpenDmBody,
    response: { 200: RoomAnswer },
  }),
};

/**
 * Rooms, members, DMs and read markers. Thin: each route validates its input strictly, then runs one
 * use case, which asks the access gate. A room I may not see answers 404 ROOM_NOT_FOUND on every route.
 */
export function roomRoutes(app: FastifyInstance, core: ChatCore, auth: preHandlerAsyncHookHandler): void {
  const ctx = core.ctx;
  const me = (request: Parameters<typeof identityOf>[0]) => identityOf(request).user;

  app.get('/api/v1/rooms', { preHandler: auth, schema: docs.list }, async (request) => ({
    rooms: await listRooms(ctx, me(request)),
  }));

  app.post('/api/v1/rooms', { preHandler: auth, schema: docs.create }, async (request, reply) => {
    const body = validate(CreateRoomBody, request.body);
    const room = await createRoom(ctx, me(request), body);
    return reply.status(201).send({ room });
  });

  app.get('/api/v1/rooms/:room', { preHandler: auth, schema: docs.get }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { room: await getRoom(ctx, me(request), room) };
  });

  app.patch('/api/v1/rooms/:room', { preHandler: auth, schema: docs.update }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const change = validate(UpdateRoomBody, request.body);
    return { room: await updateRoom(ctx, me(request), room, change) };
  });

  app.get('/api/v1/rooms/:room/members', { preHandler: auth, schema: docs.members }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    return { members: await listMembers(ctx, me(request), room) };
  });

  app.post('/api/v1/rooms/:room/members', { preHandler: auth, schema: docs.addMember }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const { username } = validate(UsernameBody, request.body);
    return { room: await addMember(ctx, me(request), room, username) };
  });

  app.delete(
    '/api/v1/rooms/:room/members/:username',
    { preHandler: auth, schema: docs.removeMember },
    async (request, reply) => {
      const { room, username } = validate(MemberParams, request.params);
      await removeMember(ctx, me(request), room, username);
      return reply.status(204).send();
    },
  );

  app.post('/api/v1/rooms/:room/join', { preHandler: auth, schema: docs.join }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    await joinAsMember(ctx, me(request), room);
    return { room: await getRoom(ctx, me(request), room) };
  });

  app.post('/api/v1/rooms/:room/leave', { preHandler: auth, schema: docs.leave }, async (request, reply) => {
    const { room } = validate(RoomParams, request.params);
    const user = me(request);
    await removeMember(ctx, user, room, user.username);
    return reply.status(204).send();
  });

  app.post('/api/v1/rooms/:room/read', { preHandler: auth, schema: docs.read }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const { seq } = validate(ReadBody, request.body);
    return { seq: await markRead(ctx, me(request), room, seq) };
  });

  app.post('/api/v1/dms', { preHandler: auth, schema: docs.dm }, async (request) => {
    const body = validate(OpenDmBody, request.body);
    const usernames = 'usernames' in body ? body.usernames : [body.username];
    return { room: await openDm(ctx, me(request), usernames) };
  });
}
