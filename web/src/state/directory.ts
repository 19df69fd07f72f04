/**
 * The room list as `GET /rooms` gives it, kept live between fetches: unread and mention counts,
 * read markers, topics. Where the client holds every message after my read marker it counts them
 * itself (exactly as the server does: others' messages, not deleted, and the ones that mention me);
 * where it does not, it starts from the server's counts and adds the live messages it sees.
 */
import type { Message, Room, User } from '../../../protocol/frames.js';
import type { RoomEvent } from '../../../protocol/events.js';

/** What the directory needs to know about a room's held messages. */
export interface HeldRoom {
  readonly messages: readonly Message[];
  readonly hasOlder: boolean;
  /** Some frame above the watermark arrived before the ones under it: the list may have a hole. */
  readonly ahead: readonly number[];
  readonly lastSeq: number;
}

export interface Counts {
  unread: number;
  mentions: number;
}

/**
 * The unread and mention counts after `readSeq` from the held messages, or undefined when they do
 * not hold every message after it (older pages not loaded, or a frame missing).
 */
export function countHeld(held: HeldRoom, readSeq: number, me: User | null): Counts | undefined {
  if (held.ahead.length > 0) return undefined;
  const first = held.messages[0];
  const covered =
    first === undefined ? !held.hasOlder || readSeq >= held.lastSeq : first.seq <= readSeq + 1 || !held.hasOlder;
  if (!covered) return undefined;
  let unread = 0;
  let mentions = 0;
  for (const m of held.messages) {
    if (m.seq <= readSeq || m.deletedAt !== undefined || m.user.id === me?.id) continue;
    unread++;
    if (me !== null && m.mentions?.includes(me.id)) mentions++;
  }
  return { unread, mentions };
}

function withCounts(room: Room, counts: Counts): Room {
  return room.unread === counts.unread && room.mentions === counts.mentions ? room : { ...room, ...counts };
}

/** A fresh list from the server, with what the client knows that is newer than the answer. */
export function adoptList(
  rooms: readonly Room[],
  previous: readonly Room[] | null,
  held: ReadonlyMap<string, HeldRoom>,
  me: User | null,
): Room[] {
  const before = new Map((previous ?? []).map((r) => [r.name, r]));
  return rooms.map((room) => {
    if (!room.member) return room;
    const h = held.get(room.name);
    // A read marker that moved while the list was on its way is newer than the list.
    const readSeq = Math.max(room.lastReadSeq ?? 0, before.get(room.name)?.lastReadSeq ?? 0);
    let next = readSeq === room.lastReadSeq ? room : { ...room, lastReadSeq: readSeq };
    if (h === undefined) return next;
    if (h.lastSeq > next.lastSeq) next = { ...next, lastSeq: h.lastSeq };
    const exact = countHeld(h, readSeq, me);
    if (exact !== undefined) return withCounts(next, exact);
    // Messages that arrived after the server counted: add the ones it could not have seen.
    let { unread = 0, mentions = 0 } = room;
    for (const m of h.messages) {
      if (m.seq <= Math.max(room.lastSeq, readSeq) || m.deletedAt !== undefined || m.user.id === me?.id) continue;
      unread++;
      if (me !== null && m.mentions?.includes(me.id)) mentions++;
    }
    return withCounts(next, { unread, mentions });
  });
}

function mapRoom(list: readonly Room[] | null, name: string, f: (r: Room) => Room): readonly Room[] | null {
  if (list === null) return list;
  const at = list.findIndex((r) => r.name === name);
  if (at < 0) return list;
  const next = f(list[at]!);
  if (next === list[at]) return list;
  const copy = [...list];
  copy[at] = next;
  return copy;
}

/** A live message from someone else: one more unread (and mention) unless the held messages say exactly. */
export function sawMessage(
  list: readonly Room[] | null,
  message: Message,
  held: HeldRoom | undefined,
  me: User | null,
): readonly Room[] | null {
  return mapRoom(list, message.room, (room) => {
    const lastSeq = Math.max(room.lastSeq, message.seq);
    let next = lastSeq === room.lastSeq ? room : { ...room, lastSeq };
    if (!room.member) return next;
    const readSeq = room.lastReadSeq ?? 0;
    const exact = held && countHeld(held, readSeq, me);
    if (exact !== undefined) return withCounts(next, exact);
    if (message.seq > readSeq && message.user.id !== me?.id) {
      const mention = me !== null && message.mentions?.includes(me.id) === true;
      next = withCounts(next, { unread: (room.unread ?? 0) + 1, mentions: (room.mentions ?? 0) + (mention ? 1 : 0) });
    }
    return next;
  });
}

/** Counts again from the held messages, when they are enough (after a deletion, a join, a read). */
export function recount(
  list: readonly Room[] | null,
  name: string,
  held: HeldRoom | undefined,
  me: User | null,
): readonly Room[] | null {
  if (held === undefined) return list;
  return mapRoom(list, name, (room) => {
    const lastSeq = Math.max(room.lastSeq, held.lastSeq);
    const next = lastSeq === room.lastSeq ? room : { ...room, lastSeq };
    if (!room.member) return next;
    const exact = countHeld(held, room.lastReadSeq ?? 0, me);
    return exact === undefined ? next : withCounts(next, exact);
  });
}

/** My read marker moved to `seq`: nothing is unread when it reaches the room's end. */
export function markRead(
  list: readonly Room[] | null,
  name: string,
  seq: number,
  held: HeldRoom | undefined,
  me: User | null,
): readonly Room[] | null {
  return mapRoom(list, name, (room) => {
    if (seq <= (room.lastReadSeq ?? 0)) return room;
    const next = { ...room, lastReadSeq: seq };
    const exact = held && countHeld(held, seq, me);
    if (exact !== undefined) return withCounts(next, exact);
    return seq >= Math.max(room.lastSeq, held?.lastSeq ?? 0) ? withCounts(next, { unread: 0, mentions: 0 }) : next;
  });
}

/**
 * Room changes and membership changes that the list shows (topic, visibility, modes, member count,
 * my role and my mute).
 */
export function roomEvent(
  list: readonly Room[] | null,
  event: RoomEvent,
  me: User | null = null,
): readonly Room[] | null {
  return mapRoom(list, event.room, (room) => {
    const lastSeq = Math.max(room.lastSeq, event.seq);
    let next = lastSeq === room.lastSeq ? room : { ...room, lastSeq };
    const aboutMe = 'user' in event && me !== null && event.user.id === me.id;
    switch (event.kind) {
      case 'room_change':
        if (event.topic !== undefined) next = { ...next, topic: event.topic };
        if (event.visibility !== undefined) next = { ...next, visibility: event.visibility };
        if (event.readOnly !== undefined) next = { ...next, readOnly: event.readOnly };
        if (event.slowModeSeconds !== undefined) next = { ...next, slowModeSeconds: event.slowModeSeconds };
        return next;
      case 'member_join':
      case 'member_add':
        return { ...next, memberCount: next.memberCount + 1 };
      case 'member_leave':
      case 'member_remove':
      case 'member_kick':
        return { ...next, memberCount: Math.max(0, next.memberCount - 1) };
      case 'member_ban':
        // A ban may bar someone who was not in the room: the next list says how many are left.
        return next;
      case 'member_role':
        return aboutMe && event.role !== undefined ? { ...next, role: event.role } : next;
      case 'member_mute':
        return aboutMe ? { ...next, mutedUntil: event.until } : next;
      case 'member_unmute': {
        if (!aboutMe || next.mutedUntil === undefined) return next;
        const { mutedUntil: _ended, ...rest } = next;
        return rest;
      }
      default:
        return next;
    }
  });
}

/** I joined the room on this socket: I am a member now (a public room's first join makes me one). */
export function joinedRoom(
  list: readonly Room[] | null,
  name: string,
  lastReadSeq: number | undefined,
): readonly Room[] | null {
  return mapRoom(list, name, (room) => {
    const readSeq = Math.max(room.lastReadSeq ?? 0, lastReadSeq ?? 0);
    if (room.member && readSeq === (room.lastReadSeq ?? 0)) return room;
    return { ...room, member: true, lastReadSeq: readSeq, unread: room.unread ?? 0, mentions: room.mentions ?? 0 };
  });
}

/** I am no longer in the room: a public one stays listed (to join again), a private one goes. */
export function leftRoom(list: readonly Room[] | null, name: string): readonly Room[] | null {
  if (list === null) return list;
  const room = list.find((r) => r.name === name);
  if (room === undefined) return list;
  if (room.kind === 'dm' || room.visibility === 'private') return list.filter((r) => r.name !== name);
  const { role: _role, lastReadSeq: _read, unread: _unread, mentions: _mentions, ...rest } = room;
  return mapRoom(list, name, () => ({ ...rest, member: false }));
}
