import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { HistoryAnswer, Limits, UserAnswer } from '../../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { loadHistory } from '../../core/actions/load-history.js';
import { identityOf } from './require-auth.js';
import { routeSchema } from './route-schema.js';
import { validate } from './validate.js';

const HistoryQuery = z.strictObject({
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().int().min(1).max(Limits.HISTORY_PAGE_MAX).default(50),
});
const RoomParams = z.object({ room: z.string().regex(Limits.ROOM_PATTERN) });

const meDoc = routeSchema({ tag: 'me', summary: 'Who I am.', auth: true, response: { 200: UserAnswer } });
const historyDoc = routeSchema({
  tag: 'messages',
  summary: "A page of a room's history, newest last, before a seq.",
  auth: true,
  params: RoomParams,
  querystring: HistoryQuery,
  response: { 200: HistoryAnswer },
});

/** Authenticated reads: who am I, and a room's history by seq cursor (rooms themselves: room-routes.ts). */
export function chatRoutes(app: FastifyInstance, core: ChatCore, auth: preHandlerAsyncHookHandler): void {
  app.get('/api/v1/me', { preHandler: auth, schema: meDoc }, (request) => ({ user: identityOf(request).user }));

  app.get('/api/v1/rooms/:room/messages', { preHandler: auth, schema: historyDoc }, async (request) => {
    const { room } = validate(RoomParams, request.params);
    const { before, limit } = validate(HistoryQuery, request.query);
    const page = await loadHistory(core.ctx, identityOf(request).user, { room, before, limit });
    return { messages: page.messages, hasMore: page.hasMore };
  });
}
