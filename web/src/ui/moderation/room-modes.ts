/**
 * The room's moderation modes in its members dialog, for its moderators: read-only (only they may
 * write) and slow mode (the least time between two messages of one person; they are exempt).
 * Applying them is a `room_change` event that every member's screen follows.
 */
import type { Room } from '../../../../protocol/frames.js';
import type { ModerationChange } from '../../api-moderation.js';
import { byId, el } from '../dom.js';

export interface RoomModes {
  show(room: Room): void;
}

export function bindRoomModes(
  apply: (room: string, change: ModerationChange) => Promise<void>,
  onFailure: (err: unknown) => void,
): RoomModes {
  const form = byId('modes-form', HTMLFormElement);
  const readOnly = byId('modes-read-only', HTMLInputElement);
  const slow = byId('modes-slow', HTMLSelectElement);
  const save = byId('modes-save', HTMLButtonElement);
  let room: Room | null = null;

  /** A room may run at a pace the list does not offer (set elsewhere): it is shown as it is. */
  function selectSlow(seconds: number): void {
    const value = String(seconds);
    if (![...slow.options].some((o) => o.value === value)) {
      const option = el('option', undefined, `${seconds} s`);
      option.value = value;
      slow.append(option);
    }
    slow.value = value;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const shown = room;
    if (shown === null) return;
    const change: ModerationChange = {};
    if (readOnly.checked !== (shown.readOnly ?? false)) change.readOnly = readOnly.checked;
    const seconds = Number(slow.value);
    if (seconds !== (shown.slowModeSeconds ?? 0)) change.slowModeSeconds = seconds;
    if (Object.keys(change).length === 0) return;
    save.disabled = true;
    apply(shown.name, change)
      .then(() => {
        if (room?.name === shown.name) room = { ...shown, ...change };
      }, onFailure)
      .finally(() => (save.disabled = false));
  });

  return {
    show(next) {
      room = next;
      form.hidden = next.kind !== 'room' || next.canModerate !== true;
      readOnly.checked = next.readOnly ?? false;
      selectSlow(next.slowModeSeconds ?? 0);
    },
  };
}
