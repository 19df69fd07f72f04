import type { ClientFrame, Message } from '../../../../protocol/index.js';
import type { User } from '../../../../protocol/index.js';
import { requireReadableRoom } from '../access.js';
import type { CoreContext } from '../context.js';
import { toMessage } from '../events.js';

type HistoryFrame = Extract<ClientFrame, { type: 'history' }>;

export interface HistoryPage {
  room: string;
  messages: Message[];
  hasMore: boolean;
}

/** One page of older messages, before a seq cursor; used by the WebSocket and by HTTP. */
export async function loadHistory(
  ctx: CoreContext,
  user: User,
  request: Pick<HistoryFrame, 'room' | 'before' | 'limit'>,
): Promise<HistoryPage> {
  const room = await requireReadableRoom(ctx, user, request.room);
  const stored = await ctx.store.messagesBefore(room.name, request.before, request.limit + 1);
  const hasMore = stored.length > request.limit;
  const page = hasMore ? stored.slice(stored.length - request.limit) : stored;
  return { room: room.name, messages: page.map(toMessage), hasMore };
}
