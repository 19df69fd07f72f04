/** Composition root: builds the views, the store, the sync and one connection per session. */
import * as api from './api.js';
import { createConnection, wsUrl, type Connection } from './connection.js';
import { createStore } from './store.js';
import { createSync } from './sync.js';
import { createAuthView } from './ui/auth-view.js';
import { createChatView } from './ui/chat-view.js';
import type { LoginResponse } from '../../protocol/frames.js';

const ROOM = 'general';
const SESSION_ENDED = 'Your session has ended. Log in again.';

const store = createStore();
let conn: Connection | null = null;

const sync = createSync(store, () => conn, [ROOM], {
  onNotice: (text) => chat.notice(text),
  onAuthFailure: () => endSession(SESSION_ENDED),
});

const chat = createChatView(store, ROOM, {
  onSend: (text) => sync.sendText(ROOM, text),
  onRetry: (id) => sync.retry(id),
  onLoadOlder: () => void sync.loadOlder(ROOM),
  onLogout() {
    // Reads the token synchronously, before endSession forgets it.
    api.logout().catch(() => undefined);
    endSession();
  },
});

const auth = createAuthView({
  async login(creds) {
    startSession(await api.login(creds));
  },
  async register(creds) {
    await api.register(creds);
    startSession(await api.login(creds));
  },
});

async function tokenStillValid(): Promise<boolean> {
  try {
    await api.me();
    return true;
  } catch (err) {
    // Only a clear 401 ends the session; a network failure means the server is just away.
    return !(err instanceof api.ApiError && err.isAuthFailure);
  }
}

function startSession(res: LoginResponse): void {
  api.setAccessToken(res.accessToken, res.accessTokenExpiresAt);
  store.reset();
  store.dispatch({ type: 'ready', user: res.user });
  auth.hide();
  chat.setStatus('connecting', 'connecting…');
  chat.show();
  conn = createConnection({
    url: wsUrl('/api/v1/ws'),
    token: api.getAccessToken,
    tokenStillValid,
    events: {
      onFrame: (frame) => sync.handle(frame),
      onState: (state, detail) => chat.setStatus(state, detail),
      onSessionEnded: () => endSession(SESSION_ENDED),
      onStopped: (reason) => chat.notice(reason),
    },
  });
  conn.start();
}

function endSession(message?: string): void {
  conn?.stop();
  conn = null;
  api.clearAccessToken();
  chat.hide();
  store.reset();
  auth.show(message);
}

auth.show();
