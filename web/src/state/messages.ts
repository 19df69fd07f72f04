/**
 * A room's messages as one sorted list, and how each room event changes it. Pure functions: every
 * change returns new objects for what changed and keeps the identity of the rest, so the views can
 * re-render only the messages whose object is new.
 *
 * Events carry absolute values (the text as it is now, an emoji's count after the change), so
 * applying one twice, or applying an older one before the newer ones that follow it, still ends in
 * the same state: a replay can overlap what was already applied without harm.
 */
import type { Message, Reaction } from '../../../protocol/frames.js';
import type { RoomEvent } from '../../../protocol/events.js';
import { replyExcerpt } from '../../../protocol/excerpt.js';

export type MessageEvent = Extract<RoomEvent, { messageId: string }>;

/**
 * A message as the client may hold it: `removedByModerator` when a `delete` event said someone other
 * than its author removed it (history pages do not say, so a reload shows a plain tombstone).
 */
export type HeldMessage = Message & { removedByModerator?: boolean };

/** Whether the event changes a message (rather than the room or its members). */
export function isMessageEvent(event: RoomEvent): event is MessageEvent {
  return 'messageId' in event;
}

/**
 * Merges messages into a sorted list, unique by id. Returns `existing` itself when nothing changed,
 * so a replayed frame costs no re-render. With `replace`, an incoming copy of a held message takes
 * its place (a `joined` answer reads messages in their current state); without it the held copy,
 * which events have kept current, stays.
 */
export function mergeMessages(
  existing: readonly Message[],
  incoming: readonly Message[],
  replace = false,
): readonly Message[] {
  const last = existing.at(-1);
  const only = incoming.length === 1 ? incoming[0] : undefined;
  if (only !== undefined && (last === undefined || only.seq > last.seq)) {
    return [...existing, only]; // the common case: one new message at the end
  }
  const index = new Map(existing.map((m, i) => [m.id, i]));
  let next: Message[] | null = null;
  const fresh: Message[] = [];
  for (const m of incoming) {
    const at = index.get(m.id);
    if (at === undefined) {
      index.set(m.id, -1);
      fresh.push(m);
    } else if (replace && at >= 0 && !sameMessage(existing[at]!, m)) {
      next ??= [...existing];
      next[at] = m;
    }
  }
  if (fresh.length === 0) return next ?? existing;
  return [...(next ?? existing), ...fresh].sort((a, b) => a.seq - b.seq);
}

/**
 * Messages held per room in memory at most, while the person follows the end (or the room is not
 * on screen): past it the oldest go, down to `HELD_KEEP`, and the room says it has older ones, so
 * scrolling up fetches them again. A long-open tab in a busy room stays the same size, and no
 * per-message step costs more as the day goes on.
 */
export const HELD_MAX = 1000;
export const HELD_KEEP = 600;

/** The newest `keep` messages (the same list when it holds no more). */
export function keepNewest(messages: readonly Message[], keep: number): readonly Message[] {
  return messages.length <= keep ? messages : messages.slice(messages.length - keep);
}

/** Whether the list holds this message: by seq (a binary search), then by id. */
export function holds(messages: readonly Message[], m: Message): boolean {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < m.seq) lo = mid + 1;
    else hi = mid;
  }
  return messages[lo]?.id === m.id;
}

/** Applies one event to the list; the same list when it changes nothing there (or names no message held). */
export function applyMessageEvent(
  messages: readonly Message[],
  event: MessageEvent,
  meId: string | undefined,
): readonly Message[] {
  const at = messages.findIndex((m) => m.id === event.messageId);
  const target = at < 0 ? undefined : messages[at];
  let next: Message[] | null = null;
  if (target !== undefined) {
    const changed = changeMessage(target, event, meId);
    if (changed !== target) {
      next = [...messages];
      next[at] = changed;
    }
  }
  // Replies quote the message as it is now: an edit or a deletion changes their quote too.
  if (event.kind === 'edit' || event.kind === 'delete') {
    const excerptNow = event.kind === 'edit' ? replyExcerpt(event.text) : '';
    const deleted = event.kind === 'delete';
    const list = next ?? messages;
    for (let i = 0; i < list.length; i++) {
      const quote = list[i]!.replyTo;
      if (quote?.id !== event.messageId || (quote.excerpt === excerptNow && quote.deleted === deleted)) continue;
      next ??= [...messages];
      next[i] = { ...list[i]!, replyTo: { ...quote, excerpt: excerptNow, deleted } };
    }
  }
  return next ?? messages;
}

function changeMessage(m: Message, event: MessageEvent, meId: string | undefined): Message {
  switch (event.kind) {
    case 'edit': {
      if (m.deletedAt !== undefined) return m; // a deletion is final
      const { mentions: _old, ...rest } = m;
      const edited: Message = { ...rest, text: event.text, editedAt: event.editedAt };
      if (event.mentions.length > 0) edited.mentions = event.mentions;
      return sameMessage(m, edited) ? m : edited;
    }
    case 'delete': {
      if (m.deletedAt !== undefined && m.text === '') return m;
      // The words are gone, and with them who was mentioned, every reaction and the files (as the store does).
      const { mentions: _m, reactions: _r, files: _f, ...rest } = m;
      const gone: HeldMessage = { ...rest, text: '', deletedAt: event.at, reactions: [] };
      if (event.byModerator) gone.removedByModerator = true;
      return gone;
    }
    case 'reaction_add':
    case 'reaction_remove': {
      if (m.deletedAt !== undefined) return m;
      const reactions = setReaction(m.reactions ?? [], event, meId);
      return reactions === m.reactions ? m : { ...m, reactions };
    }
  }
}

/** Sets one emoji's count to the event's; `mine` follows the event only when I made it. */
function setReaction(
  reactions: readonly Reaction[],
  event: Extract<RoomEvent, { kind: 'reaction_add' | 'reaction_remove' }>,
  meId: string | undefined,
): Reaction[] {
  const byMe = meId !== undefined && event.actor.id === meId;
  const at = reactions.findIndex((r) => r.emoji === event.emoji);
  const held = at < 0 ? undefined : reactions[at];
  const mine = byMe ? event.kind === 'reaction_add' : (held?.mine ?? false);
  const next = [...reactions];
  if (event.count <= 0) {
    if (at >= 0) next.splice(at, 1);
  } else if (held === undefined) {
    next.push({ emoji: event.emoji, count: event.count, mine });
  } else {
    next[at] = { emoji: event.emoji, count: event.count, mine };
  }
  return next;
}

/**
 * A message in a form two states can be compared by: the fields a person sees, reactions sorted by
 * emoji (their order on screen is by arrival) with an absent list read as none.
 */
export function comparable(m: Message): Message {
  const reactions = [...(m.reactions ?? [])]
    .filter((r) => r.count > 0)
    .sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0))
    .map((r) => ({ emoji: r.emoji, count: r.count, mine: r.mine }));
  const out: Message = {
    id: m.id,
    room: m.room,
    seq: m.seq,
    user: m.user,
    text: m.text,
    createdAt: m.createdAt,
    reactions,
  };
  if (m.editedAt !== undefined) out.editedAt = m.editedAt;
  if (m.deletedAt !== undefined) out.deletedAt = m.deletedAt;
  if (m.replyTo !== undefined) out.replyTo = m.replyTo;
  if (m.mentions !== undefined && m.mentions.length > 0) out.mentions = [...m.mentions].sort();
  return out;
}

function sameMessage(a: Message, b: Message): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b)) && sameOrder(a.reactions, b.reactions);
}

function sameOrder(a: readonly Reaction[] | undefined, b: readonly Reaction[] | undefined): boolean {
  return (a ?? []).map((r) => r.emoji).join(' ') === (b ?? []).map((r) => r.emoji).join(' ');
}
