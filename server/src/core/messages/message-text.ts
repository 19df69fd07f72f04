import { messageTextProblem } from '../../../../protocol/index.js';
import type { ChatLimits } from '../context.js';
import { ParleyError } from '../errors.js';

/**
 * The rules a message's text must pass, for `send` and for `edit` alike, as `messageTextProblem`
 * (protocol/message-text.ts) states them for the browser too: some text after trimming, at most
 * `messageMaxChars` characters (code points) after trimming, at most `messageMaxBytes` bytes as it
 * travels (the whole untrimmed text, JSON-escaped UTF-8). The text is stored exactly as sent.
 */
export function checkMessageText(text: string, limits: Pick<ChatLimits, 'messageMaxChars' | 'messageMaxBytes'>): void {
  const problem = messageTextProblem(text, limits);
  if (problem === null) return;
  switch (problem.rule) {
    case 'empty':
      throw new ParleyError('MESSAGE_EMPTY');
    case 'too-many-chars':
      throw new ParleyError('MESSAGE_TOO_LONG', `Messages are at most ${limits.messageMaxChars} characters.`);
    case 'too-many-bytes':
      throw new ParleyError(
        'MESSAGE_TOO_LONG',
        `Messages are at most ${limits.messageMaxBytes} bytes as sent (UTF-8, with JSON escapes; whitespace counts).`,
      );
  }
}
