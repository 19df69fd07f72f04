import { jsonTextBytes } from '../../../../protocol/index.js';
import type { ChatLimits } from '../context.js';
import { ParleyError } from '../errors.js';

/**
 * The rules a message's text must pass, for `send` and for `edit` alike: some text after trimming, at
 * most `messageMaxChars` characters (code points) after trimming, at most `messageMaxBytes` bytes as
 * it travels (the whole untrimmed text, JSON-escaped UTF-8). The text is stored exactly as sent.
 */
export function checkMessageText(text: string, limits: Pick<ChatLimits, 'messageMaxChars' | 'messageMaxBytes'>): void {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new ParleyError('MESSAGE_EMPTY');
  if (countCharacters(trimmed) > limits.messageMaxChars) {
    throw new ParleyError('MESSAGE_TOO_LONG', `Messages are at most ${limits.messageMaxChars} characters.`);
  }
  if (exceedsWireBytes(text, limits.messageMaxBytes)) {
    throw new ParleyError(
      'MESSAGE_TOO_LONG',
      `Messages are at most ${limits.messageMaxBytes} bytes as sent (UTF-8, with JSON escapes; whitespace counts).`,
    );
  }
}

/**
 * What the whole untrimmed text costs in every frame that carries it. Six bytes is the most one
 * UTF-16 unit can cost, so short texts skip the scan: most messages pay nothing for this check.
 */
function exceedsWireBytes(text: string, limit: number): boolean {
  return text.length * 6 > limit && jsonTextBytes(text) > limit;
}

/** Characters as a person counts them (code points), not UTF-16 units. */
function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
