/**
 * The chat, loaded with `import()` after login so the login screen stays small: store, sync,
 * connection, history, the chat screen and the sessions panel. The views bind to the page once;
 * each login gets a fresh store state, sync and connection.
 */
import 'katex/dist/katex.min.css';
import './styles/markdown.css';
import type { User } from '../../protocol/frames.js';
import * as api from './api.js';
import { createConnection, wsUrl, type AuthCheck, type Connection } from './connection.js';
import { createHistory, type History } from './history.js';
import { refreshSession } from './session-token.js';
import { createStore } from './store.js';
import { createSync, type Sync } from './sync.js';
import { createChatView, type ChatView } from './ui/chat-view.js';
import { createSessionsPanel, type SessionsPanel } from './ui/sessions-panel.js';

const ROOM = 'general';
const SESSION_ENDED = 'Your session has ended. Log in again.';

export interface ChatAppHandlers {
  onSessionEnded(message: string): void;
  onLogout(everywhere: boolean): void;
}

export interface ChatApp {
  stop(): void;
}

interface Live {
  sync: Sync;
  history: History;
  conn: Connection;
  handlers: ChatAppHandlers;
}

const store = createStore();
let current: Live | null = null;
let view: ChatView | null = null;
let panel: SessionsPanel | null = null;

function ui(): { view: ChatView; panel: SessionsPanel } {
  panel ??= createSessionsPanel({
    onLogoutEverywhere: () => current?.handlers.onLogout(true),
    onAuthFailure: () => current?.handlers.onSessionEnded(SESSION_ENDED),
  });
  view ??= createChatView(store, ROOM, {
    onSend: (text) => current?.sync.sendText(ROOM, text),
    onRetry: (id) => current?.sync.retry(id),
    onLoadOlder: () => void current?.history.loadOlder(ROOM),
    onTyping: () => current?.sync.typing(ROOM) ?? false,
    onLogout: () => current?.handlers.onLogout(false),
    onSessions: () => panel?.open(),
  });
  return { view, panel };
}

async function renew(): Promise<AuthCheck> {
  try {
    await refreshSession();
    return 'ok';
  } catch (err) {
    return err instanceof api.ApiError && err.isAuthFailure ? 'ended' : 'offline';
  }
}

/** Is our token still accepted? `me()` renews it by itself on a 401. */
async function probe(): Promise<AuthCheck> {
  try {
    await api.me();
    return 'ok';
  } catch (err) {
    if (!(err instanceof api.ApiError) || err.isNetwork) return 'offline';
    return err.isAuthFailure ? 'ended' : 'ok';
  }
}

export function startChat(user: User, handlers: ChatAppHandlers): ChatApp {
  const { view, panel } = ui();
  current?.conn.stop();
  store.reset();
  store.dispatch({ type: 'ready', user });
  const ended = (): void => handlers.onSessionEnded(SESSION_ENDED);

  const history = createHistory(store, { onNotice: (text) => view.notice(text), onAuthFailure: ended });
  let conn: Connection | null = null;
  const sync = createSync(store, () => conn, history, [ROOM], {
    onNotice: (text) => view.notice(text),
    onLiveMessage: (message) => view.liveMessage(message),
    onTyping: (room, who) => {
      if (room === ROOM) view.typing(who);
    },
  });
  conn = createConnection({
    url: wsUrl('/api/v1/ws'),
    token: api.getAccessToken,
    renew,
    probe,
    events: {
      onFrame: (frame) => sync.handle(frame),
      onState(state, detail) {
        view.setStatus(state, detail);
        store.dispatch({ type: 'online', online: state === 'online' });
      },
      onDown: () => sync.disconnected(),
      onSessionEnded: ended,
      onStopped: (reason) => view.notice(reason, true),
    },
  });
  const live: Live = { sync, history, conn, handlers };
  current = live;
  view.setStatus('connecting', 'connecting…');
  view.show();
  conn.start();

  return {
    stop() {
      live.conn.stop();
      if (current !== live) return;
      current = null;
      panel.close();
      view.hide();
      store.reset();
    },
  };
}
