import { Limits } from '../../../../protocol/index.js';
import type { CoreContext } from '../context.js';

/** `@name` where name is a possible username, not inside a word or an e-mail address. */
const MENTION = /(?<![A-Za-z0-9_.@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

/** The distinct names a text mentions, lower-cased, at most MENTIONS_PER_MESSAGE_MAX. */
export function mentionedNames(text: string): string[] {
  if (!text.includes('@')) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    names.add(match[1]!.toLowerCase());
    if (names.size >= Limits.MENTIONS_PER_MESSAGE_MAX) break;
  }
  return [...names];
}

/** Ids of the room's members the text mentions; only members count (a stranger is not notified). */
export async function resolveMentions(ctx: CoreContext, room: string, text: string): Promise<string[]> {
  const names = mentionedNames(text);
  return names.length === 0 ? [] : ctx.store.membersNamed(room, names);
}
