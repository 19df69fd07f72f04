/**
 * Moderation in plain words: why I cannot write, why I left a room, what a moderator did (the
 * system lines), why my session ended. Pure: times are formatted in the reader's locale.
 */
import type { User } from '../../../protocol/frames.js';
import type { Mute, NoteEvent } from '../state/moderation.js';
import { waitText } from '../ui/wait-text.js';

/** "14:05" today, "Tue 3 Jun, 14:05" on another day. */
export function untilText(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'later';
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })}, ${time}`;
}

const withReason = (text: string, reason: string | undefined): string =>
  reason !== undefined && reason.trim() !== '' ? `${text} — ${reason.trim()}` : text;

export function mutedText(mute: Mute, now?: Date): string {
  return withReason(`You are muted here until ${untilText(mute.until, now)}`, mute.reason);
}

export const READ_ONLY_TEXT = 'read-only room: only its moderators may write here';

export function slowModeText(seconds: number): string {
  return `slow mode: one message every ${waitText(seconds)}`;
}

export function slowWaitText(secondsLeft: number): string {
  return `slow mode: your next message goes in ${waitText(secondsLeft)}`;
}

export type LeftReason = 'left' | 'removed' | 'kicked' | 'banned';

/** The notice when this socket stops following a room I did not leave here. */
export function leftText(reason: LeftReason, room: string, detail?: string): string {
  switch (reason) {
    case 'left':
      return 'You left the room.';
    case 'removed':
      return 'You were removed from the room.';
    case 'kicked':
      return withReason(`A moderator removed you from #${room}`, detail);
    case 'banned':
      return withReason(`A moderator banned you from #${room}`, detail);
  }
}

export const SUSPENDED_TEXT = 'Your account was suspended.';

export function suspendedText(reason?: string): string {
  return reason !== undefined && reason.trim() !== '' ? `Your account was suspended: ${reason.trim()}` : SUSPENDED_TEXT;
}

const who = (user: User, me: User | null): string => (me !== null && user.id === me.id ? 'you' : user.username);

/** A duration as a person says it: "5 min", "1 h", "1 day", "1 week". */
export function durationText(seconds: number): string {
  if (seconds % 604_800 === 0) return plural(seconds / 604_800, 'week');
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  return waitText(seconds);
}

const ROLE_WORDS = { owner: 'an owner', moderator: 'a moderator', member: 'a member' } as const;

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** The system line for a moderation event. */
export function noteText(event: NoteEvent, me: User | null, now?: Date): string {
  const actor = who(event.actor, me);
  switch (event.kind) {
    case 'member_kick':
      return withReason(`${actor} removed ${who(event.user, me)} from the room`, event.reason);
    case 'member_ban':
      return withReason(`${actor} banned ${who(event.user, me)}`, event.reason);
    case 'member_unban':
      return `${actor} lifted the ban on ${who(event.user, me)}`;
    case 'member_role':
      return withReason(`${actor} made ${who(event.user, me)} ${ROLE_WORDS[event.role ?? 'member']}`, event.reason);
    case 'member_mute':
      return withReason(`${actor} muted ${who(event.user, me)} until ${untilText(event.until, now)}`, event.reason);
    case 'member_unmute':
      return `${actor} unmuted ${who(event.user, me)}`;
    case 'room_change': {
      const parts: string[] = [];
      if (event.readOnly !== undefined)
        parts.push(event.readOnly ? 'made the room read-only' : 'opened the room to everyone again');
      if (event.slowModeSeconds !== undefined) {
        parts.push(
          event.slowModeSeconds > 0
            ? `set slow mode to one message every ${waitText(event.slowModeSeconds)}`
            : 'turned slow mode off',
        );
      }
      return `${actor} ${parts.join(' and ')}`;
    }
  }
}
