import { ParleyError } from '../errors.js';

/** Longest `q`, in characters (code points). */
export const SEARCH_QUERY_MAX_CHARS = 256;
/** Most distinct words in one query. */
export const SEARCH_WORDS_MAX = 32;

/** A word: letters, combining marks and digits, in any script. Everything else separates words. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * The words of what someone typed into the search box, and nothing else: every character that is
 * not a letter, a mark or a digit (quotes, `*`, `-`, `:`, parentheses, the highlight marks…) is a
 * separator, so no query syntax of either engine can come through, and every word must appear. No
 * word, or `q` too long or too wordy → SEARCH_QUERY_INVALID.
 */
export function searchWords(q: string): string[] {
  if ([...q].length > SEARCH_QUERY_MAX_CHARS) {
    throw new ParleyError('SEARCH_QUERY_INVALID', `q: at most ${SEARCH_QUERY_MAX_CHARS} characters`);
  }
  const words = [...new Set(q.normalize('NFC').match(WORD) ?? [])];
  if (words.length === 0) throw new ParleyError('SEARCH_QUERY_INVALID', 'q: search for at least one word');
  if (words.length > SEARCH_WORDS_MAX) {
    throw new ParleyError('SEARCH_QUERY_INVALID', `q: at most ${SEARCH_WORDS_MAX} words`);
  }
  return words;
}
