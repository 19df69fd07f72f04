/**
 * The chat screen's moderation, in one place: the moderate dialog (mute, kick, ban), what the
 * members dialog and the profile card need to offer it, and the delete confirmation's words for
 * someone else's message. The chat view hands it the moderation routes and the open room.
 */
import type { RoomRole } from '../../../../protocol/events.js';
import type { Message } from '../../../../protocol/frames.js';
import type { ModerationChange, RoomBan } from '../../api-moderation.js';
import { roomEntry } from '../../state.js';
import type { Store } from '../../store.js';
import type { ConfirmOptions } from '../confirm.js';
import type { MembersHandlers } from '../conversations/members-dialog.js';
import type { ProfileCardHandlers } from '../profile-card.js';
import { createModerateDialog, type ModerateDialog } from './moderate-dialog.js';

/** Moderating a room (its moderators and owners); each change also arrives as a room event. */
export interface ModerationHandlers {
  mute: (room: string, username: string, seconds: number, reason: string) => Promise<void>;
  kick: (room: string, username: string, reason: string) => Promise<void>;
  ban: (room: string, username: string, reason: string) => Promise<void>;
  unban: (room: string, username: string) => Promise<void>;
  bans: (room: string) => Promise<RoomBan[]>;
  setModes: (room: string, change: ModerationChange) => Promise<void>;
  setRole: (room: string, username: string, role: RoomRole) => Promise<void>;
}

export interface ModerationUiOptions {
  /** Wraps an action so that its success clears an error notice still showing. */
  done: <A extends unknown[], T>(run: (...args: A) => Promise<T>) => (...args: A) => Promise<T>;
  /** The room on screen. */
  shown: () => string | null;
  /** The members list may have changed (someone kicked or banned from it). */
  reloadMembers: (room: string) => void;
  onAuthFailure: () => void;
}

export interface ModerationUi {
  dialog: ModerateDialog;
  members: MembersHandlers['moderation'];
  profile: Pick<ProfileCardHandlers, 'moderatedRoom' | 'onModerate'>;
}

export function createModerationUi(store: Store, mod: ModerationHandlers, opts: ModerationUiOptions): ModerationUi {
  const { done } = opts;
  const dialog = createModerateDialog({
    mute: done(mod.mute),
    kick: done(mod.kick),
    ban: done(mod.ban),
    onAuthFailure: opts.onAuthFailure,
  });
  return {
    dialog,
    members: {
      moderate: (action, user, room) => dialog.open(action, user, room, () => opts.reloadMembers(room)),
      setRole: done(mod.setRole),
      bans: mod.bans,
      unban: done(mod.unban),
      setModes: done(mod.setModes),
    },
    profile: {
      moderatedRoom() {
        const shown = opts.shown();
        const entry = shown === null ? undefined : roomEntry(store.getState(), shown);
        return entry?.kind === 'room' && entry.canModerate === true ? entry.name : null;
      },
      onModerate: (action, user, room) => dialog.open(action, user, room),
    },
  };
}

/** The confirmation before a deletion: my own message, or (as a moderator) someone else's. */
export function deleteConfirmation(m: Message, mine: boolean): ConfirmOptions {
  return mine
    ? { title: 'delete message?', text: 'Delete this message for everyone? This cannot be undone.', ok: 'delete' }
    : {
        title: 'remove message?',
        text: `Remove this message by ${m.user.username} for everyone? It will show as removed by a moderator. This cannot be undone.`,
        ok: 'remove',
      };
}
