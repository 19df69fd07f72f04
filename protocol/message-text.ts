/**
 * The one definition of what a message's text may be, for the server (`send`, `edit`) and the
 * browser's composer alike, so the two can never disagree: 2,100 emoji are 2,100 characters on
 * both sides, not 4,200 UTF-16 units on one of them. Plain functions, no zod: the client imports it.
 */
import { Limits } from './limits.js';
import { jsonTextBytes } from './wire-size.js';

/** The limits a text is checked against. The server's may be tighter than the defaults (config). */
export interface MessageTextLimits {
  /** Most characters (code points) after trimming (MESSAGE_MAX_CHARS). */
  readonly messageMaxChars: number;
  /** Most bytes of the whole untrimmed text as a JSON string in UTF-8 (MESSAGE_MAX_BYTES). */
  readonly messageMaxBytes: number;
}

export const DEFAULT_MESSAGE_TEXT_LIMITS: MessageTextLimits = {
  messageMaxChars: Limits.MESSAGE_MAX_CHARS,
  messageMaxBytes: Limits.MESSAGE_MAX_BYTES,
};

/** Which rule a text breaks, first one first. */
export type MessageTextProblem =
  | { rule: 'empty' }
  | { rule: 'too-many-chars'; chars: number; limit: number }
  | { rule: 'too-many-bytes'; bytes: number; limit: number };

/**
 * Characters as the limits count them: code points. An emoji is one, a flag (two regional
 * indicators) two, a ZWJ family its members and joiners, 'é' written as 'e' + U+0301 two, and a
 * lone surrogate one. Not grapheme clusters: those change with every Unicode version, and the two
 * sides must agree whatever their engine's version.
 */
export function countCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; anything else is one unit, one point.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/**
 * The first rule `text` breaks, or null when it may be sent: some text after trimming, at most
 * `messageMaxChars` characters after trimming, at most `messageMaxBytes` bytes as it travels (the
 * whole untrimmed text, JSON-escaped UTF-8; see wire-size.ts). Well-formedness (no lone surrogate,
 * no U+0000) is the frame's rule, `isWellFormed`.
 */
export function messageTextProblem(text: string, limits: MessageTextLimits): MessageTextProblem | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { rule: 'empty' };
  // A code point is at least one unit: a text this short in units needs no count.
  if (trimmed.length > limits.messageMaxChars) {
    const chars = countCharacters(trimmed);
    if (chars > limits.messageMaxChars) return { rule: 'too-many-chars', chars, limit: limits.messageMaxChars };
  }
  // Six bytes is the most one UTF-16 unit can cost, so short texts skip the scan.
  if (text.length * 6 > limits.messageMaxBytes) {
    const bytes = jsonTextBytes(text);
    if (bytes > limits.messageMaxBytes) return { rule: 'too-many-bytes', bytes, limit: limits.messageMaxBytes };
  }
  return null;
}

/**
 * A lone surrogate cannot be stored as UTF-8, and PostgreSQL text cannot hold U+0000: refuse both
 * rather than change the text silently, so every stored message reads back byte for byte.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !text.includes('\u0000');
}
