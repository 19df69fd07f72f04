/** The chat screen: wires the store to the message list, online list, status and composer. */
import type { Message, User } from '../../../protocol/frames.js';
import type { ConnState } from '../connection.js';
import type { ChatState } from '../state.js';
import type { Store } from '../store.js';
import { createAnnouncer } from './announcer.js';
import { bindComposer } from './composer.js';
import { byId } from './dom.js';
import { createMessageList } from './message-list.js';
import { renderOnline } from './online-list.js';
import { createTypingIndicator } from './typing-indicator.js';
import { paintUser, repaintOnThemeChange } from './user-color.js';

export interface ChatHandlers {
  onSend: (text: string) => void;
  onRetry: (clientMsgId: string) => void;
  onLoadOlder: () => void;
  onTyping: () => boolean;
  onLogout: () => void;
  onSessions: () => void;
}

export interface ChatView {
  show(): void;
  hide(): void;
  setStatus(state: ConnState, detail: string): void;
  /** A notice at the top; `sticky` keeps it until the next one. */
  notice(text: string, sticky?: boolean): void;
  liveMessage(message: Message): void;
  typing(user: User): void;
}

const NOTICE_MS = 8000;

export function createChatView(store: Store, room: string, handlers: ChatHandlers): ChatView {
  const screen = byId('chat', HTMLElement);
  const status = byId('status', HTMLElement);
  const noticeEl = byId('notice', HTMLParagraphElement);
  const meEl = byId('me', HTMLElement);
  const online = byId('online', HTMLUListElement);
  const onlineCount = byId('online-count', HTMLElement);
  const composer = byId('composer', HTMLTextAreaElement);
  const announce = createAnnouncer(byId('announcer', HTMLElement));
  const typing = createTypingIndicator(byId('typing', HTMLElement));
  byId('room-title', HTMLElement).textContent = `#${room}`;
  byId('logout-btn', HTMLButtonElement).addEventListener('click', () => handlers.onLogout());
  byId('sessions-btn', HTMLButtonElement).addEventListener('click', () => handlers.onSessions());
  repaintOnThemeChange(screen);

  const messages = createMessageList(
    byId('messages', HTMLOListElement),
    byId('scroller', HTMLElement),
    byId('load-older', HTMLButtonElement),
    byId('history-start', HTMLElement),
    { onRetry: handlers.onRetry, onLoadOlder: handlers.onLoadOlder },
  );
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const notice = (text: string, sticky = false): void => {
    clearTimeout(noticeTimer);
    noticeEl.textContent = text;
    noticeEl.hidden = false;
    if (!sticky) noticeTimer = setTimeout(() => (noticeEl.hidden = true), NOTICE_MS);
  };

  bindComposer(byId('composer-form', HTMLFormElement), composer, {
    onSend(text) {
      handlers.onSend(text);
      messages.scrollToEnd();
    },
    onInvalid: (reason) => notice(reason),
    onTyping: handlers.onTyping,
  });

  function render(state: ChatState, prev: ChatState | null): void {
    const r = state.rooms.get(room);
    const p = prev?.rooms.get(room);
    if (prev === null || state.me !== prev.me) {
      meEl.textContent = state.me?.username ?? '';
      if (state.me) paintUser(meEl, state.me.color);
    }
    if (
      prev === null ||
      r !== p ||
      state.pending !== prev.pending ||
      state.me !== prev.me ||
      state.online !== prev.online
    ) {
      messages.update(room, r, state.pending, state.me, state.online);
    }
    if (prev === null || r?.online !== p?.online || state.me !== prev.me) {
      renderOnline(online, onlineCount, r?.online ?? [], state.me);
    }
  }

  store.subscribe((state, prev) => {
    if (!screen.hidden) render(state, prev);
  });

  return {
    show() {
      messages.clear();
      screen.hidden = false;
      render(store.getState(), null);
      composer.focus();
    },
    hide() {
      screen.hidden = true;
      noticeEl.hidden = true;
      composer.value = '';
      messages.clear();
      typing.clear();
    },
    setStatus(state, detail) {
      status.dataset['state'] = state;
      status.textContent = detail;
    },
    notice,
    liveMessage(message) {
      typing.done(message.user.id);
      announce(`${message.user.username}: ${message.text}`);
    },
    typing: (user) => typing.saw(user),
  };
}
