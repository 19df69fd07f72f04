/**
 * The chat, loaded with `import()` after login so the login screen stays small: store, sync,
 * connection, history, my rooms, the read marker, the chat screen, the sessions and account panels. The
 * views bind to the page once; each login gets a fresh store state, sync, rooms and connection.
 */
import 'katex/dist/katex.min.css';
import './styles/markdown.css';
import type { User } from '../../protocol/frames.js';
import * as api from './api.js';
import { createAttention, type Attention } from './attention/attention.js';
import { createConnection, healthAnswers, wsUrl, type AuthCheck, type Connection } from './connection.js';
import { createReadMarker, type ReadMarker } from './conversations/read-marker.js';
import { createRooms, type Rooms } from './conversations/rooms.js';
import { createHistory, type History } from './history.js';
import { refreshSession } from './session-token.js';
import { createStore } from './store.js';
import { createSync, type Sync } from './sync.js';
import { createAccountPanel, type AccountPanel } from './ui/account/account-panel.js';
import { createChatView, type ChatView } from './ui/chat-view.js';
import { createSessionsPanel, type SessionsPanel } from './ui/sessions-panel.js';

const SESSION_ENDED = 'Your session has ended. Log in again.';
const LEFT_REASONS = {
  left: 'You left the room.',
  removed: 'You were removed from the room.',
  kicked: 'A moderator removed you from the room.',
  banned: 'A moderator banned you from the room.',
} as const;

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
  rooms: Rooms;
  marker: ReadMarker;
  attention: Attention;
  conn: Connection;
  handlers: ChatAppHandlers;
}

const store = createStore();
let current: Live | null = null;
let view: ChatView | null = null;
let panel: SessionsPanel | null = null;
let account: AccountPanel | null = null;

function rooms(): Rooms {
  if (current === null) throw new Error('Not logged in.');
  return current.rooms;
}

function ui(): { view: ChatView; panel: SessionsPanel; account: AccountPanel } {
  const ended = (): void => current?.handlers.onSessionEnded(SESSION_ENDED);
  const profile = async (username: string) => (await api.userProfile(username)).user;
  panel ??= createSessionsPanel({
    onLogoutEverywhere: () => current?.handlers.onLogout(true),
    onAuthFailure: ended,
  });
  account ??= createAccountPanel({
    profile,
    changePassword: api.changePassword,
    onSessions: () => panel?.open(),
    onAuthFailure: ended,
  });
  view ??= createChatView(store, {
    onSend: (room, text, replyTo) => current?.sync.sendText(room, text, replyTo),
    onRetry: (id) => current?.sync.retry(id),
    onLoadOlder: (room) => current?.history.loadOlder(room) ?? Promise.resolve(),
    onTyping: (room) => current?.sync.typing(room) ?? false,
    onAct: (frame) => current?.sync.act(frame) ?? false,
    onSeen: () => current?.marker.check(),
    onOpenRoom: (room) => current?.rooms.open(room),
    createRoom: (room) => rooms().createRoom(room),
    joinRoom: (name) => rooms().joinRoom(name),
    leaveRoom: (name) => rooms().leaveRoom(name),
    updateRoom: (name, change) => rooms().updateRoom(name, change),
    openDm: (username) => rooms().openDm(username),
    members: async (room) => (await api.roomMembers(room)).members,
    invite: (room, username) => rooms().invite(room, username),
    remove: (room, username) => rooms().remove(room, username),
    onAuthFailure: ended,
    onLogout: () => current?.handlers.onLogout(false),
    onSessions: () => panel?.open(),
    onRetryNow: () => current?.conn.retryNow(),
    onAccount() {
      const me = store.getState().me;
      if (me) account?.open(me);
    },
    profile,
  });
  return { view, panel, account };
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
  const { view, panel, account } = ui();
  current?.conn.stop();
  current?.rooms.stop();
  current?.marker.stop();
  current?.attention.stop();
  store.reset();
  store.dispatch({ type: 'ready', user });
  const ended = (): void => handlers.onSessionEnded(SESSION_ENDED);

  const history = createHistory(store, { onNotice: (text) => view.error(text), onAuthFailure: ended });
  let conn: Connection | null = null;
  let sync: Sync | null = null;
  const myRooms = createRooms(store, () => sync, { onNotice: (text) => view.notice(text), onAuthFailure: ended });
  sync = createSync(store, () => conn, history, {
    onNotice: (text) => view.notice(text),
    onError: (text) => view.error(text),
    onDone: () => view.succeeded(),
    onLiveMessage(message) {
      view.liveMessage(message);
      attention.message(message);
    },
    onTyping: (room, who) => view.typing(room, who),
    onRoomsChanged: () => void myRooms.refresh(),
    onLeft(room, reason) {
      if (reason === undefined) return; // the answer to our own `leave`
      if (store.getState().active === null || reason !== 'left') view.notice(LEFT_REASONS[reason]);
      myRooms.lost(room);
      void myRooms.refresh();
    },
  });
  const attention = createAttention(store, {
    openRoom: (room) => myRooms.open(room),
    notice: (text) => view.notice(text),
  });
  const marker = createReadMarker(
    store,
    () => sync,
    () => view.atBottom(),
  );
  conn = createConnection({
    url: wsUrl('/api/v1/ws'),
    token: api.getAccessToken,
    renew,
    probe,
    serverUp: () => healthAnswers(),
    events: {
      onFrame: (frame) => sync.handle(frame),
      onState(state, detail, retryIn) {
        view.setStatus(state, detail, retryIn);
        store.dispatch({ type: 'online', online: state === 'online' });
      },
      onDown: () => sync.disconnected(),
      onSessionEnded: ended,
      onStopped: (reason) => view.notice(reason, true),
    },
  });
  const live: Live = { sync, history, rooms: myRooms, marker, attention, conn, handlers };
  current = live;
  view.setStatus('connecting', 'connecting…');
  view.show();
  void myRooms.refresh();
  conn.start();

  return {
    stop() {
      live.conn.stop();
      live.rooms.stop();
      live.marker.stop();
      live.attention.stop();
      if (current !== live) return;
      current = null;
      panel.close();
      account.close();
      view.hide();
      store.reset();
    },
  };
}
