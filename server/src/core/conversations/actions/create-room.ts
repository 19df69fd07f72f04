import { isWellFormed, Limits, type Room, type User, type Visibility } from '../../../../../protocol/index.js';
import type { CoreContext } from '../../context.js';
import { ParleyError, rateLimited } from '../../errors.js';
import { announceEvent, announceRoomsChanged } from '../announce.js';
import { toRoomView } from '../room-view.js';

export interface NewRoomRequest {
  name: string;
  topic?: string | undefined;
  visibility: Visibility;
}

/** Create a room; its creator is its owner and first member. */
export async function createRoom(ctx: CoreContext, user: User, request: NewRoomRequest): Promise<Room> {
  // `dm-` names belong to direct conversations (open-dm.ts), so no room can pose as one.
  if (request.name.startsWith('dm-')) throw new ParleyError('VALIDATION_FAILED', 'Room names cannot start with "dm-".');
  const topic = checkTopic(request.topic ?? '');
  const allowance = await ctx.roomCreateLimit.consume(user.id);
  if (!allowance.allowed) throw rateLimited(allowance);
  const result = await ctx.store.createRoom(
    {
      name: request.name,
      kind: 'room',
      visibility: request.visibility,
      topic,
      createdBy: user.id,
      at: new Date(ctx.clock.now()).toISOString(),
      members: [{ userId: user.id, role: 'owner' }],
    },
    { roomsPerUser: ctx.limits.roomsPerUser, membersPerRoom: ctx.limits.membersPerRoom },
  );
  if (result.status === 'taken') throw new ParleyError('ROOM_NAME_TAKEN');
  if (result.status === 'refused') throw new ParleyError(result.code);
  for (const event of result.events) announceEvent(ctx, event);
  announceRoomsChanged(ctx, [user.id], result.room.name);
  const membership = await ctx.store.findMembership(result.room.name, user.id);
  return toRoomView(ctx, user, result.room, membership);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A topic is one line of at most ROOM_TOPIC_MAX_CHARS characters, well-formed, without control characters. */
export function checkTopic(topic: string): string {
  const trimmed = topic.trim();
  if (CONTROL.test(trimmed) || [...trimmed].length > Limits.ROOM_TOPIC_MAX_CHARS || !isWellFormed(trimmed)) {
    throw new ParleyError(
      'VALIDATION_FAILED',
      `A topic is one line of at most ${Limits.ROOM_TOPIC_MAX_CHARS} characters.`,
    );
  }
  return trimmed;
}
