import type { SearchAnswer, User } from '../../../../protocol/index.js';
import { accessRoom, allowedRooms } from '../access.js';
import type { CoreContext } from '../context.js';
import { ParleyError } from '../errors.js';
import { toMessage } from '../events.js';
import { searchWords } from './search-words.js';

export interface SearchRequest {
  q: string;
  /** One room only (the gate decides as for its history). */
  room?: string | undefined;
  /** A username; unknown → no hits. */
  author?: string | undefined;
  /** ISO 8601 UTC (`toISOString()`): from (inclusive) and to (exclusive). */
  from?: string | undefined;
  to?: string | undefined;
  hasFile?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Full-text search over every room I may read, newest first (issue 18). Which rooms is the gate's
 * answer and nothing else: with `room`, `accessRoom(…, 'read')` as history asks it (ROOM_NOT_FOUND
 * for a private room I am not in); without, the rooms I belong to and the public ones, each passed
 * through the same decision (`allowedRooms`), then one query over them all.
 */
export async function searchMessages(ctx: CoreContext, user: User, request: SearchRequest): Promise<SearchAnswer> {
  const words = searchWords(request.q);
  const rooms =
    request.room !== undefined
      ? [(await accessRoom(ctx, user, request.room, 'read')).room.name]
      : allowedRooms(ctx, user, await ctx.store.searchCandidates(user.id), 'read').map(({ room }) => room.name);
  let authorId: string | undefined;
  if (request.author !== undefined) {
    const author = await ctx.store.findUserByUsername(request.author);
    if (!author) return { hits: [] };
    authorId = author.id;
  }
  const result = await ctx.store.searchMessages({
    words,
    rooms,
    authorId,
    from: request.from,
    to: request.to,
    hasFile: request.hasFile,
    cursor: request.cursor,
    limit: request.limit,
    viewerId: user.id,
  });
  if (result.status === 'bad-cursor') throw new ParleyError('VALIDATION_FAILED', 'cursor: not from this search');
  return {
    hits: result.hits.map((hit) => ({ message: toMessage(hit.message), highlight: hit.highlight })),
    ...(result.nextCursor === undefined ? {} : { nextCursor: result.nextCursor }),
  };
}
