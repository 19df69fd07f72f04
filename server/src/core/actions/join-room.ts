import { Limits, type ClientFrame, type Message } from '../../../../protocol/index.js';
import { requireReadableRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { toMessage } from '../events.js';
import type { StoredRoom } from '../../ports/store.js';
import { leaveRoom } from './leave-room.js';

type JoinFrame = Extract<ClientFrame, { type: 'join' }>;

/**
 * Join (or rejoin) a room. Without `after` the client gets the newest backlog; with `after` it gets
 * exactly the messages it missed, or — when that replay would be too long or `after` is unknown —
 * the newest backlog with `complete: false`, which tells it to reload history.
 */
export async function joinRoom(ctx: CoreContext, connection: Connection, frame: JoinFrame): Promise<void> {
  const room = await requireReadableRoom(ctx, connection.user, frame.room);
  if (!connection.isOpen) return;

  // Subscribe first and hold live events, so nothing stored after the read below is missed.
  connection.beginJoin(room.name);
  ctx.hub.joinRoom(room.name, connection);
  try {
    await answerJoin(ctx, connection, frame, room);
  } catch (error) {
    // Leave no half-joined room behind: held events would pile up and never be delivered.
    await leaveRoom(ctx, connection, room.name).catch(() => undefined);
    throw error;
  }
}

async function answerJoin(ctx: CoreContext, connection: Connection, frame: JoinFrame, room: StoredRoom): Promise<void> {
  // Presence is best effort: a node that cannot reach it still lets people chat.
  const firstConnectionOfUser = await ctx.presence
    .add(room.name, connection.user, connection.id)
    .catch((error: unknown) => {
      ctx.logger.warn({ err: error, room: room.name }, 'presence unavailable on join');
      return false;
    });

  let messages: Message[];
  let complete = true;
  if (frame.after === undefined) {
    messages = await backlog(ctx, room.name);
  } else {
    const missed = await ctx.store.messagesAfter(room.name, frame.after, Limits.REPLAY_MAX + 1);
    const afterIsKnown = frame.after <= room.lastSeq || missed.length > 0;
    if (missed.length <= Limits.REPLAY_MAX && afterIsKnown) {
      messages = missed.map(toMessage);
    } else {
      messages = await backlog(ctx, room.name);
      complete = false;
    }
  }
  const online = await ctx.presence
    .online(room.name, Limits.ONLINE_LIST_MAX)
    .catch(() => ({ users: [connection.user], total: 1 }));
  const newest = messages.at(-1)?.seq ?? 0;
  const coveredUpTo = complete ? Math.max(frame.after ?? 0, newest) : newest;
  // Events queued in this task must reach the join's hold first, where what `joined` covers is dropped.
  ctx.hub.flush();
  connection.finishJoin(
    room.name,
    { type: 'joined', room: room.name, messages, complete, online: online.users, onlineCount: online.total },
    coveredUpTo,
  );

  if (firstConnectionOfUser) ctx.presenceDiffs.joined(room.name, connection.user);
}

async function backlog(ctx: CoreContext, room: string): Promise<Message[]> {
  const stored = await ctx.store.messagesBefore(room, Number.MAX_SAFE_INTEGER, Limits.JOIN_BACKLOG);
  return stored.map(toMessage);
}
