/**
 * The chat, loaded with `import()` after login so the login screen stays small: store, sync,
 * connection, history, my rooms, the read marker, the chat screen, the sessions and account panels. The
 * views bind to the page once; each login gets a fresh store state, sync, rooms and connection.
 */
import 'katex/dist/katex.min.css';
import './styles/markdown.css';
import type { User } from '../../protocol/frames.js';
import * as api from './api.js';
import * as moderationApi from './api-moderation.js';
import { CloseCodes } from '../../protocol/close-codes.js';
import { leftText, suspendedText, SUSPENDED_TEXT } from './moderation/words.js';
import { createAttention, type Attention } from './attention/attention.js';
import { createConnection, healthAnswers, wsUrl, type AuthCheck, type Connection } from './connection.js';
import { createReadMarker, type ReadMarker } from './conversations/read-marker.js';
import { createRooms, type Rooms } from './conversations/rooms.js';
import { createHistory, type History } from './history.js';
import { onTokenAdopted, refreshSession } from './session-token.js';
import { createStore } from './store.js';
import { createSync, type Sync } from './sync.js';
import { createAccountPanel, type AccountPanel } from './ui/account/account-panel.js';
import { createChatView, type ChatView } from './ui/chat-view.js';
import { createSessionsPanel, type SessionsPanel } from './ui/sessions-panel.js';
import { createSecurityPanel, type SecurityPanel } from './ui/security/security-panel.js';
import { createStepUpPrompt } from './ui/step-up-prompt.js';
import { createAdminPanel, type AdminPanel } from './ui/admin/admin-panel.js';

const SESSION_ENDED = 'Your session has ended. Log in again.';

export interface ChatAppHandlers {
  onSessionEnded(message: string): void;
  onLogout(everywhere: boolean): void;
}

export interface ChatApp {
  stop(): void;
  /** Opens the security page saying this single sign-on provider was just linked. */
  showLinked(providerId: string): void;
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
let admin: AdminPanel | null = null;
let security: SecurityPanel | null = null;

function rooms(): Rooms {
  if (current === null) throw new Error('Not logged in.');
  return current.rooms;
}

function ui(): { view: ChatView; panel: SessionsPanel; account: AccountPanel; admin: AdminPanel } {
  const ended = (): void => current?.handlers.onSessionEnded(SESSION_ENDED);
  const profile = async (username: string) => (await api.userProfile(username)).user;
  panel ??= createSessionsPanel({
    onLogoutEverywhere: () => current?.handlers.onLogout(true),
    onAuthFailure: ended,
  });
  if (security === null) {
    security = createSecurityPanel(ended);
    // Any call the server refuses with STEP_UP_REQUIRED asks for a fresh proof, then is tried again.
    api.setStepUp(createStepUpPrompt(() => store.getState().me?.username ?? ''));
  }
  account ??= createAccountPanel({
    profile,
    changePassword: api.changePassword,
    onSessions: () => panel?.open(),
    onSecurity: () => security?.open(),
    onAuthFailure: ended,
  });
  admin ??= createAdminPanel({ me: () => store.getState().me, onAuthFailure: ended });
  view ??= createChatView(store, {
    onSend: (room, text, replyTo, files) => current?.sync.sendText(room, text, replyTo, files),
    onRetry: (id) => current?.sync.retry(id),
    onLoadOlder: (room, limit) => current?.history.loadOlder(room, limit) ?? Promise.resolve(),
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
    onAdmin: () => admin?.open(),
    moderation: {
      async mute(room, username, seconds, reason) {
        await moderationApi.muteMember(room, username, seconds, reason).catch(failed);
      },
      kick: (room, username, reason) => moderationApi.kickMember(room, username, reason).catch(failed),
      ban: (room, username, reason) => moderationApi.banMember(room, username, reason).catch(failed),
      unban: (room, username) => moderationApi.unbanMember(room, username).catch(failed),
      bans: async (room) => (await moderationApi.roomBans(room).catch(failed)).bans,
      async setModes(room, change) {
        await moderationApi.setModeration(room, change).catch(failed);
        void current?.rooms.refresh();
      },
      async setRole(room, username, role) {
        await moderationApi.setMemberRole(room, username, role).catch(failed);
        void current?.rooms.refresh();
      },
    },
  });
  return { view, panel, account, admin };
}

/** A refusal that says the session is over ends it here (with the reason, for a suspension). */
function failed(err: unknown): never {
  if (err instanceof api.ApiError && err.isAuthFailure) sessionOver(err);
  throw err;
}

/** The session ended on the server: a suspension says so (and why), anything else "log in again". */
function sessionOver(err: api.ApiError): void {
  const text = err.code === 'ACCOUNT_SUSPENDED' ? suspendedText(err.details.reason) : SESSION_ENDED;
  current?.handlers.onSessionEnded(text);
}

async function renew(): Promise<AuthCheck> {
  try {
    await refreshSession();
    return 'ok';
  } catch (err) {
    if (!(err instanceof api.ApiError) || !err.isAuthFailure) return 'offline';
    sessionOver(err);
    return 'ended';
  }
}

/** Is our token still accepted? `me()` renews it by itself on a 401. */
async function probe(): Promise<AuthCheck> {
  try {
    await api.me();
    return 'ok';
  } catch (err) {
    if (!(err instanceof api.ApiError) || err.isNetwork) return 'offline';
    if (!err.isAuthFailure) return 'ok';
    sessionOver(err);
    return 'ended';
  }
}

export function startChat(user: User, handlers: ChatAppHandlers): ChatApp {
  const { view, panel, account, admin } = ui();
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
    onSlowMode: (room, seconds) => view.slowMode(room, seconds),
    onLeft(room, reason, detail) {
      if (reason === undefined) return; // the answer to our own `leave`
      // A moderator's word stays on screen until the next notice: it may carry their reason.
      const sticky = reason === 'kicked' || reason === 'banned';
      if (store.getState().active === null || reason !== 'left') view.notice(leftText(reason, room, detail), sticky);
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
      // 4403: the account was suspended. The session is over and the socket never comes back.
      onStopped: (reason, code) =>
        code === CloseCodes.BANNED ? handlers.onSessionEnded(SUSPENDED_TEXT) : view.notice(reason, true),
    },
  });
  // Every refresh (scheduled ahead of expiry) renews the open socket, which otherwise closes with 4401.
  const stopRenewing = onTokenAdopted((token) => conn?.renewToken(token));
  const live: Live = { sync, history, rooms: myRooms, marker, attention, conn, handlers };
  current = live;
  view.setStatus('connecting', 'connecting…');
  view.show();
  void myRooms.refresh();
  conn.start();

  return {
    stop() {
      stopRenewing();
      live.conn.stop();
      live.rooms.stop();
      live.marker.stop();
      live.attention.stop();
      if (current !== live) return;
      current = null;
      panel.close();
      account.close();
      security?.close();
      admin.close();
      view.hide();
      store.reset();
    },
    showLinked: (providerId) => security?.openLinked(providerId),
  };
}
