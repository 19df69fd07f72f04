/**
 * The online list: one `li[data-username]` per user, names as text, colours via CSSOM. Another
 * person's name is a button that opens their profile card (with "message" for a direct conversation).
 */
import type { User } from '../../../protocol/frames.js';
import { el } from './dom.js';
import { paintUser } from './user-color.js';

export function renderOnline(
  list: HTMLUListElement,
  count: HTMLElement,
  users: readonly User[],
  me: User | null,
  onUser: (user: User) => void,
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
}
