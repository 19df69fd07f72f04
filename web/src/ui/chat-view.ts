/** The chat screen: wires the store to the message list, online list, status and composer. */
import type { ConnState } from '../connection.js';
import type { ChatState } from '../state.js';
import type { Store } from '../store.js';
import { bindComposer } from './composer.js';
import { byId } from './dom.js';
import { createMessageList } from './message-list.js';
import { renderOnline } from './online-list.js';

export interface ChatHandlers {
  onSend: (text: string) => void;
  onRetry: (clientMsgId: string) => void;
  onLoadOlder: () => void;
  onLogout: () => void;
}

export interface ChatView {
  show(): void;
  hide(): void;
  setStatus(state: ConnState, detail: string): void;
  notice(text: string): void;
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
  byId('room-title', HTMLElement).textContent = `#${room}`;
  byId('logout-btn', HTMLButtonElement).addEventListener('click', () => handlers.onLogout());

  const messages = createMessageList(
    byId('messages', HTMLOListElement),
    byId('scroller', HTMLElement),
    byId('load-older', HTMLButtonElement),
    { onRetry: handlers.onRetry, onLoadOlder: handlers.onLoadOlder },
  );
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const notice = (text: string): void => {
    clearTimeout(noticeTimer);
    noticeEl.textContent = text;
    noticeEl.hidden = false;
    noticeTimer = setTimeout(() => (noticeEl.hidden = true), NOTICE_MS);
  };

  bindComposer(byId('composer-form', HTMLFormElement), composer, {
    onSend(text) {
      handlers.onSend(text);
      messages.scrollToEnd();
    },
    onInvalid: notice,
  });

  function render(state: ChatState, prev: ChatState | null): void {
    const r = state.rooms.get(room);
    const p = prev?.rooms.get(room);
    if (prev === null || state.me !== prev.me) {
      meEl.textContent = state.me?.username ?? '';
      meEl.style.color = state.me?.color ?? '';
    }
    if (prev === null || r !== p || state.pending !== prev.pending || state.me !== prev.me) {
      messages.update(room, r, state.pending, state.me);
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
    },
    setStatus(state, detail) {
      status.dataset['state'] = state;
      status.textContent = detail;
    },
    notice,
  };
}
