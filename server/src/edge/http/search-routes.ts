import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { Limits, SearchAnswerSchema } from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { rateLimited } from '../../core/errors.js';
import { searchMessages } from '../../core/search/search-messages.js';
import type { SearchConfig } from '../../config-search.js';
import type { LimitFactory } from '../../ports/rate-limiter.js';
import { identityOf } from './require-auth.js';
import { routeSchema } from './route-schema.js';
import { validate } from './validate.js';

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const SearchQuery = z.strictObject({
  q: z.string().describe('The words to find, all of them (at most 256 characters; no operators).'),
  room: z.string().regex(Limits.ROOM_PATTERN).optional().describe('Only this room.'),
  author: z.string().min(1).max(64).optional().describe('Only messages by this username.'),
  from: Instant.optional().describe('Only messages sent at or after this time (ISO 8601).'),
  to: Instant.optional().describe('Only messages sent before this time (ISO 8601).'),
  hasFile: z.enum(['true', 'false']).optional().describe('`true`: only messages with a file attached.'),
  cursor: z.string().max(200).optional().describe("The previous page's `nextCursor`."),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const searchDoc = routeSchema({
  tag: 'messages',
  summary: 'Search the messages of every room I may read, newest first.',
  description:
    'Every word must appear, whole, regardless of case. Matches in `highlight` sit between U+E000 and ' +
    'U+E001; the text is not HTML-escaped. Rate limited per user (RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE).',
  auth: true,
  querystring: SearchQuery,
  response: { 200: SearchAnswerSchema },
});

/**
 * `GET /api/v1/search` (issue 18): checked, counted against the user's search allowance (its own limit,
 * `search-user`, besides the read allowance `auth` takes), then the core.
 */
export function searchRoutes(
  app: FastifyInstance,
  core: ChatCore,
  auth: preHandlerAsyncHookHandler,
  limits: LimitFactory,
  config: SearchConfig,
): void {
  const limit = limits.create('search-user', { points: config.searchesPerUserPerMinute, windowSeconds: 60 });
  app.get('/api/v1/search', { preHandler: auth, schema: searchDoc }, async (request) => {
    const query = validate(SearchQuery, request.query);
    const { user } = identityOf(request);
    const state = await limit.consume(user.id);
    if (!state.allowed) throw rateLimited(state);
    return searchMessages(core.ctx, user, {
      q: query.q,
      room: query.room,
      author: query.author,
      from: query.from === undefined ? undefined : new Date(query.from).toISOString(),
      to: query.to === undefined ? undefined : new Date(query.to).toISOString(),
      hasFile: query.hasFile === 'true',
      cursor: query.cursor,
      limit: query.limit,
    });
  });
}
