/** `GET /api/v1/search`: messages of the rooms I may read, newest first, a page at a time. */
import type { SearchAnswer } from '../../../protocol/search.js';
import { request } from '../api.js';

export interface SearchQuery {
  q: string;
  /** Only this room. */
  room?: string;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

export function searchMessages(query: SearchQuery): Promise<SearchAnswer> {
  return request(`/search?${searchParams(query)}`, { auth: true });
}

export function searchParams(query: SearchQuery): string {
  const params = new URLSearchParams({ q: query.q });
  if (query.room !== undefined) params.set('room', query.room);
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  return params.toString();
}
