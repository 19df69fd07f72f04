import { Limits } from './limits.js';

/**
 * A reaction is exactly one emoji as Unicode defines it (RGI_Emoji: the recommended sequences, with
 * skin tones, ZWJ families, flags and keycaps), nothing else: no text, no two emoji, no invisible
 * joiner on its own. Shared by the server (which decides) and the web
 * client (which offers only what will be accepted).
 */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

export function isReactionEmoji(text: string): boolean {
  return text.length > 0 && text.length <= Limits.EMOJI_MAX_UNITS && RGI_EMOJI.test(text);
}
