/**
 * What a moderator sees beside a member's name in the members dialog: mute, kick and ban (each
 * through the moderate dialog), and for an owner the member's room role. Nobody moderates
 * themselves; the server also refuses anyone whose role is at least the moderator's.
 */
import type { RoomRole } from '../../../../protocol/events.js';
import type { Room, User } from '../../../../protocol/frames.js';
import type { Member } from '../../api.js';
import { el } from '../dom.js';
import type { ModerateAction } from './moderate-dialog.js';

export interface MemberControlsHandlers {
  moderate: (action: ModerateAction, user: User, room: string) => void;
  setRole: (room: string, username: string, role: RoomRole) => Promise<void>;
  /** After a change the list is drawn again (roles moved). */
  changed: () => void;
  onFailure: (err: unknown) => void;
}

const ROLES: readonly RoomRole[] = ['owner', 'moderator', 'member'];

export function memberControls(
  m: Member,
  room: Room,
  me: User | null,
  handlers: MemberControlsHandlers,
): HTMLElement[] {
  if (room.kind !== 'room' || m.user.id === me?.id) return [];
  const out: HTMLElement[] = [];
  if (room.role === 'owner') out.push(roleSelect(m, room, handlers));
  if (room.canModerate === true) {
    const group = el('span', 'moderate-actions');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', `moderate ${m.user.username}`);
    for (const action of ['mute', 'kick', 'ban'] as const) {
      const button = el('button', `${action === 'mute' ? 'secondary' : 'danger'} small ${action}`, action);
      button.type = 'button';
      button.dataset['action'] = action;
      button.setAttribute('aria-label', `${action} ${m.user.username} in #${room.name}`);
      button.addEventListener('click', () => handlers.moderate(action, m.user, room.name));
      group.append(button);
    }
    out.push(group);
  }
  return out;
}

function roleSelect(m: Member, room: Room, handlers: MemberControlsHandlers): HTMLSelectElement {
  const select = el('select', 'role-select');
  select.setAttribute('aria-label', `room role of ${m.user.username}`);
  for (const role of ROLES) {
    const option = el('option', undefined, role);
    option.value = role;
    option.selected = role === m.role;
    select.append(option);
  }
  select.addEventListener('change', () => {
    const role = select.value as RoomRole;
    select.disabled = true;
    handlers.setRole(room.name, m.user.username, role).then(
      () => handlers.changed(),
      (err: unknown) => {
        select.value = m.role;
        select.disabled = false;
        handlers.onFailure(err);
      },
    );
  });
  return select;
}
