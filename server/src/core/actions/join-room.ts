import { Limits, type ClientFrame, type Message, type RoomEvent } from '../../../../protocol/index.js';
import { accessRoom, confirmMember } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { joinAsMember } from '../conversations/actions/members.js';
import { toMessage, toRoomEvent } from '../events.js';
import { ParleyError } from '../errors.js';
import { budgetOn, messageBytes, newestWithin } from '../reply-budget.js';
import { utf8Bytes } from '../../../../protocol/index.js';
import { leaveRoom } from './leave-room.js';

type JoinFrame = Extract<ClientFrame, { type: 'join' }>;

/**
 * Join (or rejoin) a room: the gate decides, and a public room makes me a member the first time.
 * Without `after` the client gets the newest backlog in its current state; with `after` it gets
 * exactly what it missed — every message and every other event after it, to apply in seq order — or,
 * when that replay would be too long (in events or in bytes) or `after` is unknown, the newest backlog
 * with `complete: false`, which tells it to reload history. Every reply stays within the reply budget,
 * so no stored content can make a room unjoinable.
 */
export async function joinRoom(ctx: CoreContext, connection: Connection, frame: JoinFrame): Promise<void> {
  const access = await accessRoom(ctx, connection.user, frame.room, 'join');
  if (!access.membership) await joinAsMember(ctx, connection.user, frame.room);
  if (!connection.isOpen) return;

  // Subscribe first and hold live events, so nothing stored after the reads below is missed.
  const room = access.room.name;
  connection.beginJoin(room);
  ctx.hub.joinRoom(room, connection);
  try {
    await answerJoin(ctx, connection, frame);
  } catch (error) {
    // Leave no half-joined room behind: held events would pile up and never be delivered.
    await leaveRoom(ctx, connection, room).catch(() => undefined);
    throw error;
  }
}

async function answerJoin(ctx: CoreContext, connection: Connection, frame: JoinFrame): Promise<void> {
  const room = frame.room;
  // Presence is best effort: a node that cannot reach it still lets people chat.
  const firstConnectionOfUser = await ctx.presence.add(room, connection.user, connection.id).catch((error: unknown) => {
    ctx.logger.warn({ err: error, room }, 'presence unavailable on join');
    return false;
  });

  // Read after subscribing: every event past this seq reaches the join's hold, so this is what the
  // answer covers, and what it reads is at least as new (held events then apply again, harmlessly).
  const current = await ctx.store.findRoom(room);
  if (!current) throw new ParleyError('ROOM_NOT_FOUND');
  // Subscribed now, so a removal from here on finds this socket; one before it shows here.
  const membership = await confirmMember(ctx, connection.user, current);
  const lastSeq = current.lastSeq;
  const viewer = connection.user.id;

  let messages: Message[];
  let events: RoomEvent[] = [];
  let complete = true;
  const budget = budgetOn(ctx.limits, connection.bufferedBytes);
  const missed =
    frame.after === undefined || frame.after > lastSeq
      ? undefined
      : await replay(ctx, room, frame.after, lastSeq, viewer, budget);
  if (missed) {
    ({ messages, events } = missed);
  } else {
    messages = await backlog(ctx, room, lastSeq, viewer, budget);
    complete = frame.after === undefined;
  }
  const online = await ctx.presence
    .online(room, Limits.ONLINE_LIST_MAX)
    .catch(() => ({ users: [connection.user], total: 1 }));
  // Events queued in this task must reach the join's hold first, where what `joined` covers is dropped.
  ctx.hub.flush();
  connection.finishJoin(
    room,
    {
      type: 'joined',
      room,
      messages,
      complete,
      online: online.users,
      onlineCount: online.total,
      events,
      lastSeq,
      lastReadSeq: membership.lastReadSeq,
    },
    lastSeq,
  );

  // Taken out of the room meanwhile (finishJoin sent nothing): not online there either.
  if (firstConnectionOfUser && connection.rooms.has(room)) ctx.presenceDiffs.joined(room, connection.user);
}

/** The newest messages up to `lastSeq`, at most JOIN_BACKLOG and within the reply budget (the client pages for more). */
async function backlog(
  ctx: CoreContext,
  room: string,
  lastSeq: number,
  viewer: string,
  budget: number,
): Promise<Message[]> {
  const stored = await ctx.store.messagesBefore(room, lastSeq + 1, Limits.JOIN_BACKLOG, viewer);
  return newestWithin(stored.map(toMessage), budget).messages;
}

/** Rows read per query while replaying: a replay that passes the budget stops reading early. */
const REPLAY_CHUNK = 100;

/**
 * Every message and event in (after, lastSeq], or undefined when they are more than REPLAY_MAX or
 * pass the reply budget: the client then gets `complete: false` and reloads history page by page,
 * instead of a `joined` frame too large for its send buffer.
 */
async function replay(
  ctx: CoreContext,
  room: string,
  after: number,
  lastSeq: number,
  viewer: string,
  budget: number,
): Promise<{ messages: Message[]; events: RoomEvent[] } | undefined> {
  const messages: Message[] = [];
  const events: RoomEvent[] = [];
  let bytes = 0;
  const over = () => messages.length + events.length > Limits.REPLAY_MAX || bytes > budget;
  for (let cursor = after; ;) {
    const chunk = await ctx.store.messagesAfter(room, cursor, REPLAY_CHUNK, viewer);
    for (const stored of chunk) {
      if (stored.seq > lastSeq) break;
      const message = toMessage(stored);
      bytes += messageBytes(message) + 1;
      messages.push(message);
      if (over()) return undefined;
    }
    const last = chunk.at(-1);
    if (chunk.length < REPLAY_CHUNK || last === undefined || last.seq >= lastSeq) break;
    cursor = last.seq;
  }
  for (let cursor = after; ;) {
    const chunk = await ctx.store.eventsAfter(room, cursor, REPLAY_CHUNK);
    for (const stored of chunk) {
      if (stored.seq > lastSeq) break;
      const event = toRoomEvent(stored);
      bytes += utf8Bytes(JSON.stringify(event)) + 1;
      events.push(event);
      if (over()) return undefined;
    }
    const last = chunk.at(-1);
    if (chunk.length < REPLAY_CHUNK || last === undefined || last.seq >= lastSeq) break;
    cursor = last.seq;
  }
  return { messages, events };
}
