/**
 * Whether a live message deserves a desktop notification, and what it says. Pure, so the rules
 * are tested without a browser: someone else's message, while the person is not looking at the
 * tab, that the room's level lets through.
 */
import type { Message, User } from '../../../protocol/frames.js';
import type { NotifyLevel } from './notify-settings.js';

/** Code points of the message shown in a notification. */
export const EXCERPT_CHARS = 140;

export function shouldNotify(message: Message, me: User | null, level: NotifyLevel, attentive: boolean): boolean {
  if (attentive || me === null || message.user.id === me.id || message.deletedAt !== undefined) return false;
  if (level === 'all') return true;
  return level === 'mentions' && message.mentions?.includes(me.id) === true;
}

/** A short plain-text excerpt: the Markdown marks people type dropped, on one line, cut by code points. */
export function plainExcerpt(text: string, max = EXCERPT_CHARS): string {
  const plain = text
    .replace(/```[^\n]*\n?/g, '') // code fences (their content stays)
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+\[[ xX]\]\s+)/gm, '') // headings, quotes, task boxes
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...plain];
  return chars.length <= max ? plain : `${chars.slice(0, max - 1).join('')}…`;
}

/** The notification's title and body: who wrote, where (a room's name; a DM is the person), and what. */
export function notificationText(message: Message, roomLabel: string, isDm: boolean): { title: string; body: string } {
  const who = message.user.username;
  // A message of files alone says which files, rather than nothing.
  const files = (message.files ?? []).map((f) => f.name).join(', ');
  const body = message.text.trim() === '' && files !== '' ? plainExcerpt(`▤ ${files}`) : plainExcerpt(message.text);
  return { title: isDm ? who : `${who} in ${roomLabel}`, body };
}
