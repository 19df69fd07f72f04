/**
 * What stands between me and writing in the open room, said above the composer: muted until a time
 * (with the moderator's reason; the composer is disabled until then), a read-only room (disabled,
 * unless I moderate it), or slow mode (a hint, and while my outbox waits for it, a countdown: the
 * message is not lost, it goes by itself).
 */
import { muteHolds } from '../../state/moderation.js';
import { roomEntry } from '../../state.js';
import type { Store } from '../../store.js';
import { mutedText, READ_ONLY_TEXT, slowModeText, slowWaitText } from '../../moderation/words.js';

export interface ComposerGuard {
  /** Shows what holds for `room` now (null: no room open, nothing to write in). */
  render(room: string | null): void;
  /** Slow mode held my message back in `room` for `seconds`. */
  slowWait(room: string, seconds: number): void;
  clear(): void;
}

/** A timer longer than this would overflow setTimeout: wake up and look again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createComposerGuard(
  store: Store,
  textarea: HTMLTextAreaElement,
  sendBtn: HTMLButtonElement,
  line: HTMLElement,
): ComposerGuard {
  let shown: string | null = null;
  /** Until when (ms) my outbox waits for slow mode, by room. */
  const slowUntil = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function show(kind: string, text: string, blocked: boolean): void {
    line.hidden = kind === '';
    line.dataset['kind'] = kind;
    line.textContent = text;
    const wasBlocked = textarea.disabled;
    textarea.disabled = sendBtn.disabled = blocked;
    // A disabled composer cannot take focus (the chat screen asks for it before a room is open):
    // once it can be written in again, it takes the focus if nothing else holds it.
    const idle = document.activeElement === null || document.activeElement === document.body;
    if (wasBlocked && !blocked && idle) textarea.focus();
  }

  function render(room: string | null): void {
    shown = room;
    clearTimeout(timer);
    timer = undefined;
    if (room === null) return show('', '', true);
    const state = store.getState();
    const entry = roomEntry(state, room);
    const now = Date.now();
    const mute = state.mutes.get(room) ?? (entry?.mutedUntil === undefined ? undefined : { until: entry.mutedUntil });
    const moderator = entry?.canModerate === true;
    if (muteHolds(mute, now)) {
      show('muted', mutedText(mute), true);
      return later(Date.parse(mute.until) - now);
    }
    if (entry?.readOnly === true && !moderator) return show('read-only', READ_ONLY_TEXT, true);
    const waitUntil = slowUntil.get(room) ?? 0;
    if (waitUntil > now) {
      const left = waitUntil - now;
      show('slow-wait', slowWaitText(left / 1000), false);
      return later(left % 1000 || 1000);
    }
    slowUntil.delete(room);
    const seconds = entry?.slowModeSeconds ?? 0;
    if (seconds > 0 && !moderator) return show('slow', slowModeText(seconds), false);
    show('', '', false);
  }

  function later(ms: number): void {
    timer = setTimeout(() => render(shown), Math.min(Math.max(ms, 50), MAX_TIMER_MS));
  }

  return {
    render,
    slowWait(room, seconds) {
      slowUntil.set(room, Date.now() + Math.max(1, seconds) * 1000);
      if (room === shown) render(room);
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      slowUntil.clear();
      shown = null;
      show('', '', false);
    },
  };
}
