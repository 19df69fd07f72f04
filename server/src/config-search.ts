import { z } from 'zod';

/** Full-text search (issue 18): its own allowance, because one search costs more than one read. */
export const SearchEnv = {
  /**
   * Searches (GET /api/v1/search) per user per minute, across their sessions (on top of the read
   * allowance each one also takes). Default 30.
   */
  RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
};

export interface SearchConfig {
  searchesPerUserPerMinute: number;
}

export function parseSearch(e: { RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE: number }): SearchConfig {
  return { searchesPerUserPerMinute: e.RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE };
}
