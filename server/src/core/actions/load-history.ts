import type { ClientFrame, Message } from '../../../../protocol/index.js';
import type { User } from '../../../../protocol/index.js';
import { accessRoom } from '../access.js';
import type { CoreContext } from '../context.js';
import { toMessage } from '../events.js';
import { newestWithin } from '../reply-budget.js';

type HistoryFrame = Extract<ClientFrame, { type: 'history' }>;

export interface HistoryPage {
  room: string;
  messages: Message[];
  hasMore: boolean;
}

/**
 * One page of older messages, before a seq cursor; used by the WebSocket and by HTTP. The page holds
 * the newest `limit` messages that fit `budget` (the reply budget, less on a socket that already
 * holds a backlog; always at least one message), and `hasMore` says whether older ones remain, so a
 * page cut short by bytes is just a shorter page.
 */
export async function loadHistory(
  ctx: CoreContext,
  user: User,
  request: Pick<HistoryFrame, 'room' | 'before' | 'limit'>,
  budget = ctx.limits.replyMaxBytes,
): Promise<HistoryPage> {
  const { room } = await accessRoom(ctx, user, request.room, 'read');
  const stored = await ctx.store.messagesBefore(room.name, request.before, request.limit + 1, user.id);
  const older = stored.length > request.limit;
  const page = older ? stored.slice(stored.length - request.limit) : stored;
  const fitting = newestWithin(page.map(toMessage), budget);
  return { room: room.name, messages: fitting.messages, hasMore: older || fitting.cut };
}
