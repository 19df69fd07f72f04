/**
 * `GET /api/v1/search` (issue 18): messages of the rooms I may read, newest first.
 * Query: `q` (words; required), `room`, `author` (a username), `from` / `to` (ISO 8601, inclusive /
 * exclusive), `hasFile` (`true`), `cursor` (from the previous page), `limit` (1–50, default 20).
 */
import { z } from 'zod';
import { MessageSchema } from './frames.js';

/**
 * Marks around each matched word in `SearchHit.highlight`: private-use characters, never HTML.
 * A client escapes the whole text first, then turns each pair into its own markup.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

export const SearchHitSchema = z.object({
  /** The message as it is now (deleted messages are never hits). */
  message: MessageSchema,
  /** The message's text, or the part of it around the matches, with the matches between the marks. */
  highlight: z.string(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchAnswerSchema = z.object({
  hits: z.array(SearchHitSchema),
  /** Present when there may be more: pass it as `cursor` for the next (older) page. */
  nextCursor: z.string().optional(),
});
export type SearchAnswer = z.infer<typeof SearchAnswerSchema>;
