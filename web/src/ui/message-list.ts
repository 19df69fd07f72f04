/**
 * The message list: stored messages (by seq) then my outbox. Elements are keyed and reused, so
 * each message is rendered once and a new frame costs one insertion. Scrolling near the top
 * loads the page before the first message (the button does the same from the keyboard).
 */
import type { Message, User } from '../../../protocol/frames.js';
import { setMarkdown } from '../render.js';
import type { PendingMessage, RoomState } from '../state.js';
import { el, formatDateTime, formatTime } from './dom.js';
import { paintUser } from './user-color.js';

export interface MessageListHandlers {
  onRetry(clientMsgId: string): void;
  onLoadOlder(): void;
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
  clear(): void;
}

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 120;

export function createMessageList(
  list: HTMLOListElement,
  scroller: HTMLElement,
  olderBtn: HTMLButtonElement,
  startMarker: HTMLElement,
  handlers: MessageListHandlers,
): MessageList {
  const cache = new Map<string, HTMLLIElement>();
  let hasOlder = false;
  olderBtn.addEventListener('click', () => handlers.onLoadOlder());
  scroller.addEventListener(
    'scroll',
    () => {
      if (hasOlder && scroller.scrollTop < NEAR_TOP_PX) handlers.onLoadOlder();
    },
    { passive: true },
  );

  function stored(m: Message, me: User | null): HTMLLIElement {
    const li = el('li', 'message');
    li.dataset['id'] = m.id;
    li.dataset['seq'] = String(m.seq);
    const head = meta(m.createdAt, m.user);
    if (me !== null && m.user.id === me.id) {
      li.classList.add('mine');
      const sent = el('span', 'send-state sent', '✓');
      sent.title = 'sent';
      sent.setAttribute('aria-label', 'sent');
      head.append(sent);
    }
    li.append(head, body(m.text));
    return li;
  }

  function outgoing(p: PendingMessage, me: User | null, online: boolean): HTMLLIElement {
    const li = el('li', `outgoing ${p.status}`);
    li.dataset['clientMsgId'] = p.clientMsgId;
    li.dataset['state'] = p.status;
    const label = p.status === 'failed' ? 'failed' : online ? 'sending…' : 'queued — offline';
    const state = el('span', 'send-state', label);
    if (p.error) state.title = p.error;
    const head = meta(p.createdAt, me);
    head.append(state);
    if (p.status === 'failed') {
      const retry = el('button', 'link retry', 'retry');
      retry.type = 'button';
      retry.setAttribute('aria-label', `retry sending: ${p.text.slice(0, 40)}`);
      retry.addEventListener('click', () => handlers.onRetry(p.clientMsgId));
      head.append(retry);
    }
    li.append(head, body(p.text));
    return li;
  }

  return {
    update(name, room, pending, me, online) {
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
      const anchor = list.firstElementChild instanceof HTMLElement ? list.firstElementChild : null;
      const anchorTop = anchor?.offsetTop ?? 0;

      const wanted: [string, () => HTMLLIElement][] = [];
      for (const m of room?.messages ?? []) wanted.push([`m:${m.id}`, () => stored(m, me)]);
      for (const p of pending) {
        if (p.room !== name) continue;
        wanted.push([`p:${p.clientMsgId}:${p.status}:${online}`, () => outgoing(p, me, online)]);
      }
      const keep = new Set(wanted.map(([k]) => k));
      for (const [key, node] of cache) {
        if (!keep.has(key)) {
          node.remove();
          cache.delete(key);
        }
      }
      let cursor: Element | null = list.firstElementChild;
      for (const [key, make] of wanted) {
        let node = cache.get(key);
        if (node === undefined) {
          node = make();
          cache.set(key, node);
        }
        if (node === cursor) cursor = cursor.nextElementSibling;
        else list.insertBefore(node, cursor);
      }

      hasOlder = room?.hasOlder ?? false;
      olderBtn.hidden = !hasOlder;
      startMarker.hidden = room === undefined || hasOlder;
      if (atBottom) scroller.scrollTop = scroller.scrollHeight;
      else if (anchor?.isConnected) scroller.scrollTop += anchor.offsetTop - anchorTop;
      // Nothing to scroll yet but more to read: fetch it without waiting for a scroll.
      if (hasOlder && scroller.scrollHeight <= scroller.clientHeight) handlers.onLoadOlder();
    },
    scrollToEnd() {
      scroller.scrollTop = scroller.scrollHeight;
    },
    clear() {
      cache.clear();
      list.replaceChildren();
      olderBtn.hidden = true;
      startMarker.hidden = true;
      hasOlder = false;
    },
  };
}

function meta(createdAt: string, user: User | null): HTMLDivElement {
  const head = el('div', 'meta');
  const time = el('time', 'time', formatTime(createdAt));
  time.dateTime = createdAt;
  time.title = formatDateTime(createdAt);
  const author = el('span', 'author', user?.username ?? 'me');
  if (user) paintUser(author, user.color);
  head.append(time, author);
  return head;
}

function body(text: string): HTMLDivElement {
  const div = el('div', 'body');
  setMarkdown(div, text);
  return div;
}
