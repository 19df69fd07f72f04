/**
 * The message list: stored messages (by seq) then my outbox. Elements are keyed and reused: a
 * message is rendered again only when its object changed (an edit, a reaction), and a new frame
 * costs one insertion. Scrolling near the top loads the page before the first message (the button
 * does the same from the keyboard).
 *
 * From the keyboard: the list takes focus with Tab, ↑/↓ (and Home/End) move between messages, and
 * the focused message's toolbar joins the Tab order; R replies, + reacts, E edits, Delete deletes.
 */
import type { Message, User } from '../../../protocol/frames.js';
import type { PendingMessage, RoomState } from '../state.js';
import { outgoingItem, storedItem, type MessageActions } from './message-item.js';

export interface MessageListHandlers extends MessageActions {
  onLoadOlder: () => void;
  /** The person scrolled (to the bottom or away from it). */
  onScroll: () => void;
  /** Escape or Tab out of the list: back to the composer. */
  onLeave: () => void;
}

export interface MessageList {
  update(
    name: string,
    room: RoomState | undefined,
    pending: readonly PendingMessage[],
    me: User | null,
    online: boolean,
  ): void;
  scrollToEnd(): void;
  /** Scrolls to a message and marks it for a moment; false if it is not on screen. */
  reveal(messageId: string): boolean;
  atBottom(): boolean;
  clear(): void;
}

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 120;
const FLASH_MS = 1600;

interface Entry {
  node: HTMLLIElement;
  /** What it was drawn from: drawn again when this changes. */
  from: unknown;
}

export function createMessageList(
  list: HTMLOListElement,
  scroller: HTMLElement,
  olderBtn: HTMLButtonElement,
  startMarker: HTMLElement,
  handlers: MessageListHandlers,
): MessageList {
  const cache = new Map<string, Entry>();
  let hasOlder = false;
  let messages = new Map<string, Message>();
  olderBtn.addEventListener('click', () => handlers.onLoadOlder());
  scroller.addEventListener(
    'scroll',
    () => {
      if (hasOlder && scroller.scrollTop < NEAR_TOP_PX) handlers.onLoadOlder();
      handlers.onScroll();
    },
    { passive: true },
  );

  const items = (): HTMLLIElement[] => [...list.querySelectorAll<HTMLLIElement>(':scope > li.message')];
  const atBottom = (): boolean => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;

  function focusItem(li: HTMLLIElement | undefined): void {
    if (li === undefined) return;
    li.focus();
    li.scrollIntoView({ block: 'nearest' });
  }

  // The toolbar of the message that has focus is in the Tab order; the others' are not.
  list.addEventListener('focusin', (ev) => {
    const li = (ev.target as Element).closest('li.message');
    if (li instanceof HTMLLIElement) for (const b of li.querySelectorAll('button')) b.tabIndex = 0;
  });
  list.addEventListener('focusout', (ev) => {
    const li = (ev.target as Element).closest('li.message');
    if (!(li instanceof HTMLLIElement) || li.contains(ev.relatedTarget as Node | null)) return;
    for (const b of li.querySelectorAll('button')) b.tabIndex = -1;
  });

  scroller.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const all = items();
    const current = (ev.target as Element).closest('li.message');
    const at = current instanceof HTMLLIElement ? all.indexOf(current) : -1;
    const onItem = current instanceof HTMLLIElement && ev.target === current;
    switch (ev.key) {
      case 'ArrowUp':
        if (ev.target !== scroller && !onItem) return;
        ev.preventDefault();
        focusItem(at < 0 ? all.at(-1) : all[Math.max(0, at - 1)]);
        if (at === 0 && hasOlder) handlers.onLoadOlder();
        return;
      case 'ArrowDown':
        if (ev.target !== scroller && !onItem) return;
        ev.preventDefault();
        if (at >= 0 && at === all.length - 1) handlers.onLeave();
        else focusItem(at < 0 ? all.at(-1) : all[at + 1]);
        return;
      case 'Home':
        if (!onItem && ev.target !== scroller) return;
        ev.preventDefault();
        focusItem(all[0]);
        return;
      case 'End':
        if (!onItem && ev.target !== scroller) return;
        ev.preventDefault();
        focusItem(all.at(-1));
        return;
      case 'Escape':
        ev.preventDefault();
        handlers.onLeave();
        return;
    }
    if (!onItem) return;
    const message = messages.get(current.dataset['id'] ?? '');
    if (message === undefined || message.deletedAt !== undefined) return;
    const button = (name: string) => current.querySelector<HTMLButtonElement>(`.act-${name}`);
    if (ev.key === 'r' || ev.key === 'R') handlers.onReply(message);
    else if (ev.key === '+') handlers.onPickReaction(message, button('react') ?? current);
    else if ((ev.key === 'e' || ev.key === 'E') && button('edit')) handlers.onEdit(message);
    else if (ev.key === 'Delete' && button('delete')) handlers.onDelete(message);
    else return;
    ev.preventDefault();
  });

  return {
    update(name, room, pending, me, online) {
      const bottom = atBottom();
      const anchor = list.firstElementChild instanceof HTMLElement ? list.firstElementChild : null;
      const anchorTop = anchor?.offsetTop ?? 0;
      const focused = list.contains(document.activeElement)
        ? document.activeElement?.closest('li')?.dataset['id']
        : undefined;

      messages = new Map((room?.messages ?? []).map((m) => [m.id, m]));
      const wanted: [string, unknown, () => HTMLLIElement][] = [];
      for (const m of room?.messages ?? []) wanted.push([`m:${m.id}`, m, () => storedItem(m, me, handlers)]);
      for (const p of pending) {
        if (p.room !== name) continue;
        const quoted = p.replyTo === undefined ? undefined : messages.get(p.replyTo);
        wanted.push([
          `p:${p.clientMsgId}:${p.status}:${online}`,
          quoted,
          () => outgoingItem(p, me, online, quoted, handlers.onRetry),
        ]);
      }
      const keep = new Set(wanted.map(([k]) => k));
      for (const [key, entry] of cache) {
        if (!keep.has(key)) {
          entry.node.remove();
          cache.delete(key);
        }
      }
      let cursor: Element | null = list.firstElementChild;
      for (const [key, from, make] of wanted) {
        let entry = cache.get(key);
        if (entry !== undefined && entry.from !== from) {
          const node = make();
          entry.node.replaceWith(node);
          if (cursor === entry.node) cursor = node;
          entry = { node, from };
          cache.set(key, entry);
        } else if (entry === undefined) {
          entry = { node: make(), from };
          cache.set(key, entry);
        }
        if (entry.node === cursor) cursor = cursor.nextElementSibling;
        else list.insertBefore(entry.node, cursor);
      }
      // A message redrawn while it had focus keeps it.
      if (focused !== undefined && !list.contains(document.activeElement)) {
        cache.get(`m:${focused}`)?.node.focus({ preventScroll: true });
      }

      hasOlder = room?.hasOlder ?? false;
      olderBtn.hidden = !hasOlder;
      startMarker.hidden = room === undefined || hasOlder;
      if (bottom) scroller.scrollTop = scroller.scrollHeight;
      else if (anchor?.isConnected) scroller.scrollTop += anchor.offsetTop - anchorTop;
      // Nothing to scroll yet but more to read: fetch it without waiting for a scroll.
      if (hasOlder && scroller.scrollHeight <= scroller.clientHeight) handlers.onLoadOlder();
    },
    scrollToEnd() {
      scroller.scrollTop = scroller.scrollHeight;
    },
    reveal(messageId) {
      const node = cache.get(`m:${messageId}`)?.node;
      if (node === undefined) return false;
      node.scrollIntoView({ block: 'center' });
      node.classList.add('flash');
      node.focus({ preventScroll: true });
      setTimeout(() => node.classList.remove('flash'), FLASH_MS);
      return true;
    },
    atBottom,
    clear() {
      cache.clear();
      messages = new Map();
      list.replaceChildren();
      olderBtn.hidden = true;
      startMarker.hidden = true;
      hasOlder = false;
    },
  };
}
