/**
 * What stands between two messages in the list: a date when the day changes ("Today",
 * "Yesterday", or the date), and the "new messages" line where the person left off. Pure
 * functions over a message and the one before it in the room, so the windowed list can place them
 * for the few messages it draws without looking at the rest of the history.
 */
import type { Message } from '../../../protocol/frames.js';

/** The local calendar day of a time, as a key two times can be compared by ('' if unreadable). */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the date in the reader's locale (with the year when it is not this one). */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'Today';
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12);
  if (key === dayKey(yesterday.toISOString())) return 'Yesterday';
  return d.toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/**
 * Where the "new messages" line goes, fixed when the room is opened: after my read marker as it
 * was then, or nowhere (Infinity) when nothing held is newer than it. Frozen for the visit, so
 * reading (which moves the marker) does not move the line, and messages that arrive while I watch
 * do not draw one.
 */
export function unreadFrom(messages: readonly Message[], lastReadSeq: number): number {
  const newest = messages.at(-1);
  return newest === undefined || newest.seq <= lastReadSeq ? Infinity : lastReadSeq;
}

/** A message's day, worked out once: the list asks for it at every update of its window. */
const days = new WeakMap<Message, string>();
function dayOf(m: Message): string {
  let day = days.get(m);
  if (day === undefined) days.set(m, (day = dayKey(m.createdAt)));
  return day;
}

export interface Marks {
  /** The day label to show before the message, or null. */
  day: string | null;
  /** Whether the "new messages" line goes before it. */
  unread: boolean;
}

/**
 * The marks before `m`, given the message before it in the room (undefined: `m` is the first held,
 * and `olderExist` says whether the server has older ones) and the read seq from `unreadFrom`.
 */
export function marksBefore(
  m: Message,
  before: Message | undefined,
  olderExist: boolean,
  readFrom: number,
  now?: Date,
): Marks {
  const day = before === undefined || dayOf(before) !== dayOf(m) ? dayLabel(m.createdAt, now) : null;
  const unread = m.seq > readFrom && (before === undefined ? !olderExist : before.seq <= readFrom);
  return { day: day === '' ? null : day, unread };
}

/** The index of the first message with seq ≥ `seq` in a list sorted by seq (its length if none). */
export function indexOfSeq(messages: readonly Message[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
