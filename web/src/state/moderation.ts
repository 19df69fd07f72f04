/**
 * What moderation changes in the client's state, as pure functions: the system lines a room shows
 * (someone kicked, banned, muted, given a role; the room made read-only or slow), and my own mutes
 * by room, from the room list (`mutedUntil`), a `member_mute` event about me, or a MUTED refusal
 * (the last two also say why).
 */
import type { Room, User } from '../../../protocol/frames.js';
import type { z } from 'zod';
import type { MemberEventSchema, RoomEvent } from '../../../protocol/events.js';

type MemberEvent = z.infer<typeof MemberEventSchema>;

/** The moderation events a room shows as a line of its own. */
export type NoteEvent =
  | (MemberEvent & { kind: 'member_kick' | 'member_ban' | 'member_unban' | 'member_role' })
  | Extract<RoomEvent, { kind: 'member_mute' | 'member_unmute' | 'room_change' }>;

/** Lines held per room at most (the oldest go first): they are the live record of this visit. */
export const NOTES_MAX = 200;

const NOTE_KINDS = new Set<RoomEvent['kind']>([
  'member_kick',
  'member_ban',
  'member_unban',
  'member_role',
  'member_mute',
  'member_unmute',
]);

/** Whether the event is shown as a system line (a topic change is not: the header shows it). */
export function isNoteEvent(event: RoomEvent): event is NoteEvent {
  if (event.kind === 'room_change') return event.readOnly !== undefined || event.slowModeSeconds !== undefined;
  return NOTE_KINDS.has(event.kind);
}

/** The notes with this one in its place by seq; the same list when it holds it already. */
export function addNote(notes: readonly NoteEvent[], event: NoteEvent): readonly NoteEvent[] {
  if (notes.some((n) => n.seq === event.seq)) return notes;
  const next = [...notes, event].sort((a, b) => a.seq - b.seq);
  return next.length > NOTES_MAX ? next.slice(next.length - NOTES_MAX) : next;
}

/** A mute of mine in a room: until when, and the moderator's reason when I was told it. */
export interface Mute {
  readonly until: string;
  readonly reason?: string;
}

/** Whether the mute still holds at `now` (ms). */
export function muteHolds(mute: Mute | undefined, now: number): mute is Mute {
  return mute !== undefined && Date.parse(mute.until) > now;
}

function withMute(mutes: ReadonlyMap<string, Mute>, room: string, mute: Mute | undefined): ReadonlyMap<string, Mute> {
  const held = mutes.get(room);
  if (mute === undefined ? held === undefined : held?.until === mute.until && held.reason === mute.reason) return mutes;
  const next = new Map(mutes);
  if (mute === undefined) next.delete(room);
  else next.set(room, mute);
  return next;
}

/** A mute or unmute of me changes my mutes; any other event leaves them as they are. */
export function mutesAfterEvent(
  mutes: ReadonlyMap<string, Mute>,
  event: RoomEvent,
  me: User | null,
): ReadonlyMap<string, Mute> {
  if (me === null || (event.kind !== 'member_mute' && event.kind !== 'member_unmute') || event.user.id !== me.id) {
    return mutes;
  }
  if (event.kind === 'member_unmute') return withMute(mutes, event.room, undefined);
  return withMute(
    mutes,
    event.room,
    event.reason === undefined ? { until: event.until } : { until: event.until, reason: event.reason },
  );
}

/** A MUTED refusal told me until when (and why). */
export function mutedBy(mutes: ReadonlyMap<string, Mute>, room: string, mute: Mute): ReadonlyMap<string, Mute> {
  return withMute(
    mutes,
    room,
    mute.reason === undefined ? { until: mute.until } : { until: mute.until, reason: mute.reason },
  );
}

/**
 * A fresh room list says which of my rooms mute me now: those mutes are kept (with the reason I
 * was told, if it is the same mute), the others end. Rooms the list leaves out keep theirs.
 */
export function mutesFromList(mutes: ReadonlyMap<string, Mute>, rooms: readonly Room[]): ReadonlyMap<string, Mute> {
  let next = mutes;
  for (const room of rooms) {
    if (!room.member) continue;
    const held = next.get(room.name);
    const until = room.mutedUntil;
    if (until === undefined) next = withMute(next, room.name, undefined);
    else next = withMute(next, room.name, held !== undefined && sameTime(held.until, until) ? held : { until });
  }
  return next;
}

function sameTime(a: string, b: string): boolean {
  return a === b || Date.parse(a) === Date.parse(b);
}
