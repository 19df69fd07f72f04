/**
 * The online list: one `li[data-username]` per user, names as text, colours via CSSOM. Another
 * person's name is a button that opens their profile card (with "message" for a direct conversation).
 *
 * While the socket is down nobody can be known to be present, so the list is shown as stale: the
 * heading (which labels the aside) says "offline — last known" instead of "online", and the names
 * are dimmed, so nobody is presented as present. A room's list is live again once
 * a fresh `joined` or `presence` for it arrives on the new socket (see `createPresenceFreshness`).
 */
import type { User } from '../../../protocol/frames.js';
import type { ChatState } from '../state.js';
import { el } from './dom.js';
import { paintUser } from './user-color.js';

export const LIVE_LABEL = 'online';
export const STALE_LABEL = 'offline — last known';

export function renderOnline(
  list: HTMLUListElement,
  count: HTMLElement,
  users: readonly User[],
  me: User | null,
  onUser: (user: User) => void,
  stale = false,
): void {
  const items = users.map((u) => {
    const mine = me !== null && u.id === me.id;
    const li = el('li', mine ? 'user me' : 'user');
    li.dataset['username'] = u.username;
    if (mine) {
      li.textContent = u.username;
      paintUser(li, u.color);
    } else {
      const button = el('button', 'user-link', u.username);
      button.type = 'button';
      button.title = `${u.username}: profile`;
      button.setAttribute('aria-haspopup', 'dialog');
      button.addEventListener('click', () => onUser(u));
      paintUser(button, u.color);
      li.append(button);
    }
    return li;
  });
  list.replaceChildren(...items);
  count.textContent = `(${users.length})`;
  markStale(list, count, stale);
}

/** Dims the list and relabels its heading (the element before the count) while it is not live. */
function markStale(list: HTMLUListElement, count: HTMLElement, stale: boolean): void {
  list.classList.toggle('stale', stale);
  list.dataset['stale'] = String(stale);
  const label = count.previousElementSibling;
  if (label !== null) label.textContent = stale ? STALE_LABEL : LIVE_LABEL;
}

export interface PresenceFreshness {
  /** Follows a state change; answers whether `room`'s online list is only the last one known. */
  update(state: ChatState, prev: ChatState | null, room: string | null): boolean;
}

/**
 * Which rooms' online lists are stale: every room held when the socket went down, until a new
 * online list for it arrives (the reducer replaces `online` on `joined` and `presence` only).
 */
export function createPresenceFreshness(): PresenceFreshness {
  const stale = new Set<string>();
  return {
    update(state, prev, room) {
      if (prev !== null && !state.online && prev.online) for (const name of state.rooms.keys()) stale.add(name);
      if (state.online && stale.size > 0 && prev !== null && state.rooms !== prev.rooms) {
        for (const name of [...stale]) {
          const now = state.rooms.get(name);
          if (now !== undefined && now.online !== prev.rooms.get(name)?.online) stale.delete(name);
        }
      }
      if (room === null) return false;
      return stale.has(room) || (!state.online && state.rooms.has(room));
    },
  };
}
