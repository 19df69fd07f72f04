import { Limits, type ClientFrame, type Message } from '../../../../protocol/index.js';
import { requireReadableRoom } from '../access.js';
import type { Connection } from '../connection.js';
import type { CoreContext } from '../context.js';
import { toMessage } from '../events.js';
import { budgetOn, messageBytes, newestWithin } from '../reply-budget.js';
import type { StoredRoom } from '../../ports/store.js';
import { leaveRoom } from './leave-room.js';

type JoinFrame = Extract<ClientFrame, { type: 'join' }>;

/**
 * Join (or rejoin) a room. Without `after` the client gets the newest backlog; with `after` it gets
 * exactly the messages it missed, or — when that replay would be too long (in messages or in bytes)
 * or `after` is unknown — the newest backlog with `complete: false`, which tells it to reload history.
 * Every reply stays within the reply budget, so no stored content can make a room unjoinable.
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
  const budget = budgetOn(ctx.limits, connection.bufferedBytes);
  if (frame.after === undefined) {
    messages = await backlog(ctx, room.name, budget);
  } else {
    const missed = await replay(ctx, room.name, frame.after, budget);
    const afterIsKnown = frame.after <= room.lastSeq || (missed !== undefined && missed.length > 0);
    if (missed !== undefined && afterIsKnown) {
      messages = missed;
    } else {
      messages = await backlog(ctx, room.name, budget);
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

/** The newest messages, at most JOIN_BACKLOG and within the reply budget (the client pages for more). */
async function backlog(ctx: CoreContext, room: string, budget: number): Promise<Message[]> {
  const stored = await ctx.store.messagesBefore(room, Number.MAX_SAFE_INTEGER, Limits.JOIN_BACKLOG);
  return newestWithin(stored.map(toMessage), budget).messages;
}

/** Rows read per query while replaying: a replay that passes the budget stops reading early. */
const REPLAY_CHUNK = 100;

/**
 * Every message after `after`, or undefined when they are more than REPLAY_MAX or pass the reply
 * budget: the client then gets `complete: false` and reloads history page by page, instead of a
 * `joined` frame too large for its send buffer.
 */
async function replay(ctx: CoreContext, room: string, after: number, budget: number): Promise<Message[] | undefined> {
  const messages: Message[] = [];
  let bytes = 0;
  let cursor = after;
  for (;;) {
    const chunk = await ctx.store.messagesAfter(room, cursor, REPLAY_CHUNK);
    for (const stored of chunk) {
      const message = toMessage(stored);
      bytes += messageBytes(message) + 1;
      messages.push(message);
      if (messages.length > Limits.REPLAY_MAX || bytes > budget) return undefined;
    }
    const last = chunk.at(-1);
    if (chunk.length < REPLAY_CHUNK || last === undefined) return messages;
    cursor = last.seq;
  }
}
