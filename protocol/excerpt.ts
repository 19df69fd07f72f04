import { Limits } from './limits.js';

/**
 * The quote a reply shows of the message it answers: its text on one line, at most
 * REPLY_EXCERPT_CHARS characters (code points), with an ellipsis when cut. The server builds it for
 * history and new replies; a client rebuilds it the same way when the answered message is edited.
 */
export function replyExcerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= Limits.REPLY_EXCERPT_CHARS ? flat : `${chars.slice(0, Limits.REPLY_EXCERPT_CHARS).join('')}…`;
}
