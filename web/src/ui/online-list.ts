/** The online list: one `li[data-username]` per user, names as text, colours via CSSOM. */
import type { User } from '../../../protocol/frames.js';
import { el } from './dom.js';
import { paintUser } from './user-color.js';

export function renderOnline(
  list: HTMLUListElement,
  count: HTMLElement,
  users: readonly User[],
  me: User | null,
): void {
  const items = users.map((u) => {
    const li = el('li', me !== null && u.id === me.id ? 'user me' : 'user', u.username);
    li.dataset['username'] = u.username;
    paintUser(li, u.color);
    return li;
  });
  list.replaceChildren(...items);
  count.textContent = `(${users.length})`;
}
