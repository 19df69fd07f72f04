/**
 * The rooms sidebar: my rooms, then my direct conversations, each a button with its unread and
 * mention badges; the open one is `aria-current`. At phone width it is a drawer: the ☰ button
 * opens it (focus moves in), Escape, the scrim or picking a room closes it (focus goes back).
 */
import type { Room, User } from '../../../../protocol/frames.js';
import type { ChatState } from '../../state.js';
import { byId, el } from '../dom.js';

export interface SidebarHandlers {
  onOpen(room: string): void;
  onNewRoom(): void;
  onBrowse(): void;
  onNewDm(): void;
}

export interface Sidebar {
  render(state: ChatState, prev: ChatState | null): void;
  closeDrawer(): void;
}

/** How a room is named on screen: `#name`, or for a DM the other people in it. */
export function roomLabel(room: Room | undefined, name: string, me: User | null): string {
  if (room?.kind !== 'dm') return `#${name}`;
  const others = (room.members ?? []).filter((u) => u.id !== me?.id).map((u) => u.username);
  return `@${others.length > 0 ? others.join(', ') : (me?.username ?? 'me')}`;
}

function badgeText(n: number): string {
  return n > 99 ? '99+' : String(n);
}

export function createSidebar(handlers: SidebarHandlers): Sidebar {
  const nav = byId('rooms-nav', HTMLElement);
  const rooms = byId('room-list', HTMLUListElement);
  const dms = byId('dm-list', HTMLUListElement);
  const toggle = byId('rooms-toggle', HTMLButtonElement);
  const toggleBadge = byId('rooms-toggle-badge', HTMLElement);
  const scrim = byId('drawer-scrim', HTMLElement);
  byId('new-room-btn', HTMLButtonElement).addEventListener('click', () => handlers.onNewRoom());
  byId('browse-btn', HTMLButtonElement).addEventListener('click', () => handlers.onBrowse());
  byId('new-dm-btn', HTMLButtonElement).addEventListener('click', () => handlers.onNewDm());

  const isOpen = (): boolean => nav.classList.contains('open');
  function setDrawer(open: boolean, restoreFocus = true): void {
    if (open === isOpen()) return;
    nav.classList.toggle('open', open);
    scrim.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) (nav.querySelector<HTMLElement>('[aria-current="page"]') ?? nav.querySelector('button'))?.focus();
    else if (restoreFocus && nav.contains(document.activeElement)) toggle.focus();
  }
  toggle.addEventListener('click', () => setDrawer(!isOpen()));
  scrim.addEventListener('click', () => setDrawer(false));
  nav.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && isOpen()) {
      ev.preventDefault();
      setDrawer(false);
    }
  });
  // Back to a wide window: the drawer is a column again.
  matchMedia('(width > 720px)').addEventListener('change', (ev) => {
    if (ev.matches) setDrawer(false, false);
  });

  function item(room: Room, active: string | null, me: User | null): HTMLLIElement {
    const li = el('li');
    const button = el('button', 'room-link');
    button.type = 'button';
    button.dataset['room'] = room.name;
    const label = roomLabel(room, room.name, me);
    const name = el('span', 'room-name', label);
    if (room.visibility === 'private' && room.kind === 'room') name.append(el('span', 'lock dim', ' priv'));
    button.append(name);
    // The open room is being read: its badge would only flicker until the read marker catches up.
    const open = room.name === active;
    const unread = open ? 0 : (room.unread ?? 0);
    const mentions = open ? 0 : (room.mentions ?? 0);
    const said: string[] = [label];
    if (room.visibility === 'private' && room.kind === 'room') said.push('private');
    if (mentions > 0) {
      button.append(el('span', 'badge mention', `@${badgeText(mentions)}`));
      said.push(`${mentions} mention${mentions === 1 ? '' : 's'}`);
    }
    if (unread > 0) {
      button.append(el('span', 'badge unread', badgeText(unread)));
      said.push(`${unread} unread`);
      button.classList.add('has-unread');
    }
    button.setAttribute('aria-label', said.join(', '));
    if (open) button.setAttribute('aria-current', 'page');
    button.addEventListener('click', () => {
      handlers.onOpen(room.name);
      setDrawer(false, false);
    });
    li.append(button);
    return li;
  }

  return {
    render(state, prev) {
      if (prev !== null && state.directory === prev.directory && state.active === prev.active && state.me === prev.me) {
        return;
      }
      // Another room opened (from a dialog, a name, a link): the drawer has done its job.
      if (prev !== null && state.active !== prev.active && isOpen()) {
        setDrawer(false, false);
        document.getElementById('composer')?.focus();
      }
      const mine = (state.directory ?? []).filter((r) => r.member);
      const hadFocus = nav.contains(document.activeElement)
        ? (document.activeElement as HTMLElement).dataset['room']
        : undefined;
      rooms.replaceChildren(...mine.filter((r) => r.kind === 'room').map((r) => item(r, state.active, state.me)));
      dms.replaceChildren(...mine.filter((r) => r.kind === 'dm').map((r) => item(r, state.active, state.me)));
      if (rooms.childElementCount === 0)
        rooms.append(el('li', 'dim empty', state.directory === null ? 'loading…' : 'none yet'));
      if (dms.childElementCount === 0 && state.directory !== null) dms.append(el('li', 'dim empty', 'none yet'));
      if (hadFocus !== undefined) nav.querySelector<HTMLElement>(`[data-room="${CSS.escape(hadFocus)}"]`)?.focus();
      // Closed drawer: the toggle says there is something unread elsewhere.
      const elsewhere = mine.filter((r) => r.name !== state.active).reduce((n, r) => n + (r.unread ?? 0), 0);
      toggleBadge.hidden = elsewhere === 0;
      toggleBadge.textContent = badgeText(elsewhere);
    },
    closeDrawer: () => setDrawer(false),
  };
}
