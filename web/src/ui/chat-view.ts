/**
 * The chat screen: wires the store to the sidebar, the open room's header, message list, online
 * list and composer (and what stops me writing: a mute, a read-only room, slow mode), and the
 * dialogs (rooms, members, moderation). It shows whichever room the state says is open; switching
 * keeps each room's unsent draft.
 */
import type { UserProfile } from '../../../protocol/account.js';
import type { FileRef } from '../../../protocol/files.js';
import type { ClientFrame, Message, User } from '../../../protocol/frames.js';
import type { Member, NewRoom } from '../api.js';
import type { ConnState } from '../connection.js';
import { roomEntry, type ChatState } from '../state.js';
import type { Store } from '../store.js';
import { createAnnouncer } from './announcer.js';
import { bindComposer } from './composer.js';
import { createConfirm } from './confirm.js';
import { createConnectionStatus } from './connection-status.js';
import { createMembersDialog } from './conversations/members-dialog.js';
import { createRoomDialogs } from './conversations/room-dialogs.js';
import { createSidebar, roomLabel } from './conversations/sidebar.js';
import { byId } from './dom.js';
import { createEmojiPicker } from './emoji-picker.js';
import { createAttachments } from './files/attachments.js';
import { createBlobUrls } from './files/blob-urls.js';
import { createFileBlock } from './files/file-view.js';
import { createLightbox } from './files/lightbox.js';
import { createSearchPanel } from './search/search-panel.js';
import { createMessageList } from './message-list.js';
import { createComposerGuard } from './moderation/composer-guard.js';
import { createModerationUi, deleteConfirmation, type ModerationHandlers } from './moderation/moderation-ui.js';
import { createPresenceFreshness, renderOnline } from './online-list.js';
import { createProfileCard } from './profile-card.js';
import { createReveal } from './reveal.js';
import { createTypingIndicator } from './typing-indicator.js';
import { paintUser, repaintOnThemeChange } from './user-color.js';

export interface ChatHandlers {
  onSend: (room: string, text: string, replyTo: string | undefined, files: readonly FileRef[]) => void;
  onRetry: (clientMsgId: string) => void;
  /** An older page of the room's history (`limit`: messages at most, else the usual page). */
  onLoadOlder: (room: string, limit?: number) => Promise<void>;
  onTyping: (room: string) => boolean;
  /** An edit, a deletion or a reaction; false if it could not go out (offline). */
  onAct: (frame: Extract<ClientFrame, { type: 'edit' | 'delete' | 'react' }>) => boolean;
  /** The view may have reached the bottom of the open room (the read marker decides). */
  onSeen: () => void;
  onOpenRoom: (room: string) => void;
  createRoom: (room: NewRoom) => Promise<void>;
  joinRoom: (name: string) => Promise<void>;
  leaveRoom: (name: string) => Promise<void>;
  updateRoom: (name: string, change: { topic?: string; visibility?: 'public' | 'private' }) => Promise<void>;
  openDm: (username: string) => Promise<void>;
  members: (room: string) => Promise<Member[]>;
  invite: (room: string, username: string) => Promise<void>;
  remove: (room: string, username: string) => Promise<void>;
  onAuthFailure: () => void;
  onLogout: () => void;
  onSessions: () => void;
  onAccount: () => void;
  /** Anyone's public profile, for the card on their name. */
  profile: (username: string) => Promise<UserProfile>;
  /** The person asks to reconnect now instead of waiting. */
  onRetryNow: () => void;
  moderation: ModerationHandlers;
  /** The admin page (shown to admins only). */
  onAdmin: () => void;
}

export interface ChatView {
  show(): void;
  hide(): void;
  /** `retryIn`: seconds until the next attempt, while one is waiting. */
  setStatus(state: ConnState, detail: string, retryIn?: number): void;
  /** A notice at the top; `sticky` keeps it until the next one. */
  notice(text: string, sticky?: boolean): void;
  /** Something I did was refused: a notice that goes away as soon as my next action succeeds. */
  error(text: string): void;
  /** Something I did took effect: an error notice still showing is out of date, so it goes. */
  succeeded(): void;
  liveMessage(message: Message): void;
  typing(room: string, user: User): void;
  /** Whether the open room's list is on screen and scrolled to its end. */
  atBottom(): boolean;
  /** Slow mode held my message back in `room`: it goes by itself in `seconds`. */
  slowMode(room: string, seconds: number): void;
}

const NOTICE_MS = 8000;
const OFFLINE = 'You are offline: that will work again once the connection is back.';

export function createChatView(store: Store, handlers: ChatHandlers): ChatView {
  const screen = byId('chat', HTMLElement);
  const setStatus = createConnectionStatus(() => handlers.onRetryNow());
  const noticeEl = byId('notice', HTMLParagraphElement);
  const meEl = byId('me', HTMLElement);
  const title = byId('room-title', HTMLElement);
  const topic = byId('room-topic', HTMLElement);
  const membersBtn = byId('members-btn', HTMLButtonElement);
  const online = byId('online', HTMLUListElement);
  const onlineCount = byId('online-count', HTMLElement);
  const freshness = createPresenceFreshness();
  let onlineStale = false;
  const textarea = byId('composer', HTMLTextAreaElement);
  const startMarker = byId('history-start', HTMLElement);
  const announce = createAnnouncer(byId('announcer', HTMLElement));
  const typing = createTypingIndicator(byId('typing', HTMLElement));
  const confirm = createConfirm();
  const picker = createEmojiPicker();
  byId('logout-btn', HTMLButtonElement).addEventListener('click', () => handlers.onLogout());
  byId('sessions-btn', HTMLButtonElement).addEventListener('click', () => handlers.onSessions());
  byId('account-btn', HTMLButtonElement).addEventListener('click', () => handlers.onAccount());
  const adminBtn = byId('admin-btn', HTMLButtonElement);
  adminBtn.addEventListener('click', () => handlers.onAdmin());
  const guard = createComposerGuard(
    store,
    textarea,
    byId('send-btn', HTMLButtonElement),
    byId('compose-guard', HTMLElement),
  );
  repaintOnThemeChange(screen);

  /** The room on screen now, and the unsent text of the others. */
  let shown: string | null = null;
  /** Whether I moderate the room on screen (its list draws delete on every message). */
  let moderating = false;
  const drafts = new Map<string, string>();
  /** Members of rooms, for mention autocomplete (fetched when a room opens). */
  const members = new Map<string, readonly User[]>();

  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const show = (text: string, kind: 'info' | 'error', sticky: boolean): void => {
    clearTimeout(noticeTimer);
    noticeEl.textContent = text;
    noticeEl.dataset['kind'] = kind;
    noticeEl.hidden = false;
    if (!sticky) noticeTimer = setTimeout(() => (noticeEl.hidden = true), NOTICE_MS);
  };
  const notice = (text: string, sticky = false): void => show(text, 'info', sticky);
  const error = (text: string): void => show(text, 'error', false);
  const succeeded = (): void => {
    if (noticeEl.hidden || noticeEl.dataset['kind'] !== 'error') return;
    clearTimeout(noticeTimer);
    noticeEl.hidden = true;
  };
  /** A room action through HTTP: once it is done, an earlier error is out of date. */
  const done =
    <A extends unknown[], T>(run: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const result = await run(...args);
      succeeded();
      return result;
    };
  const act = (frame: Parameters<ChatHandlers['onAct']>[0]): void => {
    if (!handlers.onAct(frame)) error(OFFLINE);
  };

  const dialogs = createRoomDialogs({
    createRoom: done(handlers.createRoom),
    joinRoom: done(handlers.joinRoom),
    openDm: done(handlers.openDm),
    publicRooms: () => (store.getState().directory ?? []).filter((r) => !r.member && r.kind === 'room'),
    afterOpen: () => composer.focus(),
    onAuthFailure: handlers.onAuthFailure,
  });
  const moderation = createModerationUi(store, handlers.moderation, {
    done,
    shown: () => shown,
    reloadMembers: (room) => membersDialog.reload(room),
    onAuthFailure: handlers.onAuthFailure,
  });
  const membersDialog = createMembersDialog(
    {
      moderation: moderation.members,
      members: handlers.members,
      invite: done(handlers.invite),
      remove: done(handlers.remove),
      leave: done(handlers.leaveRoom),
      update: done(handlers.updateRoom),
      onUser: (user) => showProfile(user),
      onAuthFailure: handlers.onAuthFailure,
    },
    confirm,
  );
  const sidebar = createSidebar({
    onOpen: (room) => handlers.onOpenRoom(room),
    onNewRoom: () => dialogs.newRoom(),
    onBrowse: () => dialogs.browse(),
    onNewDm: () => dialogs.newDm(),
  });
  membersBtn.addEventListener('click', () => {
    const state = store.getState();
    const entry = state.active === null ? undefined : roomEntry(state, state.active);
    if (entry) membersDialog.open(entry, state.me);
  });

  const profile = createProfileCard({
    me: () => store.getState().me,
    profile: handlers.profile,
    openDm: done(handlers.openDm),
    afterDm() {
      membersDialog.close();
      composer.focus();
    },
    onAccount: handlers.onAccount,
    onAuthFailure: handlers.onAuthFailure,
    ...moderation.profile,
  });
  /** A person's name was pressed (an author, the online list, a member): their card. */
  const showProfile = (user: User): void => profile.open(user);

  const lightbox = createLightbox(error);
  const listEl = byId('messages', HTMLOListElement);
  const messages = createMessageList(
    listEl,
    byId('scroller', HTMLElement),
    byId('load-older', HTMLButtonElement),
    startMarker,
    {
      onRetry: handlers.onRetry,
      onLoadOlder: () => void (shown !== null && handlers.onLoadOlder(shown)),
      onScroll: () => handlers.onSeen(),
      onTrim: () => shown !== null && store.dispatch({ type: 'trim', room: shown }),
      onLeave: () => composer.focus(),
      onReply: (m) => composer.reply(m),
      onEdit: (m) => composer.edit(m),
      onDelete: (m) => {
        void confirm(deleteConfirmation(m, m.user.id === store.getState().me?.id)).then((yes) => {
          if (yes) act({ type: 'delete', room: m.room, messageId: m.id });
        });
      },
      onPickReaction: (m, from) =>
        picker.open(m, from, (emoji, mine) =>
          act({ type: 'react', room: m.room, messageId: m.id, emoji, ...(mine ? { remove: true } : {}) }),
        ),
      onToggleReaction: (m, emoji, mine) =>
        act({ type: 'react', room: m.room, messageId: m.id, emoji, ...(mine ? { remove: true } : {}) }),
      onQuote: (id, seq) => void reveal.quote(id, seq),
      onUser: showProfile,
      fileBlock: createFileBlock(createBlobUrls(listEl), lightbox, error),
    },
  );
  const reveal = createReveal({
    store,
    messages,
    shown: () => shown,
    openRoom: (room) => handlers.onOpenRoom(room),
    loadOlder: handlers.onLoadOlder,
    notice,
  });
  const attachments = createAttachments(textarea, byId('room-pane', HTMLElement), {
    room: () => shown,
    onError: error,
    onAuthFailure: handlers.onAuthFailure,
  });
  const search = createSearchPanel({
    shown: () => shown,
    label: (room) => roomLabel(roomEntry(store.getState(), room), room, store.getState().me),
    jump: (room, id, seq) => void reveal.jump(room, id, seq),
    onAuthFailure: handlers.onAuthFailure,
  });

  const composer = bindComposer(byId('composer-form', HTMLFormElement), textarea, {
    onSend(text, replyTo, files) {
      if (shown === null) return;
      handlers.onSend(shown, text, replyTo?.id, files);
      messages.scrollToEnd();
    },
    onEdit: (m, text) => act({ type: 'edit', room: m.room, messageId: m.id, text }),
    onInvalid: (reason) => error(reason),
    limits: () => store.getState().limits,
    onTyping: () => shown !== null && handlers.onTyping(shown),
    lastMine() {
      const state = store.getState();
      const list = shown === null ? [] : (state.rooms.get(shown)?.messages ?? []);
      return list.findLast((m) => m.user.id === state.me?.id && m.deletedAt === undefined);
    },
    mentionable() {
      const state = store.getState();
      if (shown === null) return [];
      const entry = roomEntry(state, shown);
      const held = state.rooms.get(shown);
      const authors = [...(held?.messages ?? [])].reverse().map((m) => m.user);
      const people = [...(members.get(shown) ?? []), ...(entry?.members ?? []), ...(held?.online ?? []), ...authors];
      return people.filter((u) => u.id !== state.me?.id);
    },
    files: attachments,
  });

  function loadMembers(room: string): void {
    const entry = roomEntry(store.getState(), room);
    if (entry?.member !== true || entry.kind === 'dm') return;
    handlers.members(room).then(
      (list) =>
        members.set(
          room,
          list.map((m) => m.user),
        ),
      () => undefined, // autocomplete still offers who is online and who wrote here
    );
  }

  /** The open room changed: another list, header and draft. */
  function switchRoom(next: string | null): void {
    if (shown !== null) drafts.set(shown, composer.target?.mode === 'edit' ? '' : textarea.value);
    composer.reset(true);
    picker.close();
    shown = next;
    attachments.show(next);
    messages.clear();
    typing.clear();
    textarea.value = next === null ? '' : (drafts.get(next) ?? '');
    guard.render(next);
    if (next !== null) loadMembers(next);
  }

  function renderHeader(state: ChatState): void {
    const entry = shown === null ? undefined : roomEntry(state, shown);
    const label = shown === null ? 'no room open' : roomLabel(entry, shown, state.me);
    title.textContent = label;
    topic.textContent = entry?.topic ?? '';
    topic.title = entry?.topic ?? '';
    membersBtn.hidden = entry?.member !== true;
    membersBtn.textContent = entry?.kind === 'dm' ? 'info' : 'members';
    startMarker.textContent = `— start of ${label} —`;
  }

  function render(state: ChatState, before: ChatState | null): void {
    sidebar.render(state, before);
    let prev = before;
    if (state.active !== shown) {
      switchRoom(state.active);
      prev = null;
    }
    const room = shown;
    const r = room === null ? undefined : state.rooms.get(room);
    const p = room === null ? undefined : prev?.rooms.get(room);
    if (prev === null || state.me !== prev.me) {
      meEl.textContent = state.me?.username ?? '';
      if (state.me) paintUser(meEl, state.me.color);
    }
    if (prev === null || state.directory !== prev.directory || state.me !== prev.me) renderHeader(state);
    if (prev === null || state.directory !== prev.directory || state.mutes !== prev.mutes) guard.render(room);
    if (prev === null || state.roles !== prev.roles) adminBtn.hidden = !state.roles.includes('admin');
    const moderator = room !== null && roomEntry(state, room)?.canModerate === true;
    if (
      prev === null ||
      r !== p ||
      state.pending !== prev.pending ||
      state.me !== prev.me ||
      state.online !== prev.online ||
      moderator !== moderating
    ) {
      moderating = moderator;
      if (room !== null) messages.update(room, r, state.pending, state.me, state.online, moderator);
      // The message being edited or answered went away (deleted): leave that mode.
      const target = composer.target;
      if (target !== null && r !== undefined) {
        const now = r.messages.find((m) => m.id === target.message.id);
        if (now === undefined || now.deletedAt !== undefined) composer.reset();
      }
    }
    const stale = freshness.update(state, before, room);
    if (prev === null || r?.online !== p?.online || state.me !== prev.me || stale !== onlineStale) {
      onlineStale = stale;
      renderOnline(online, onlineCount, r?.online ?? [], state.me, showProfile, stale);
    }
    handlers.onSeen();
  }

  store.subscribe((state, prev) => {
    if (!screen.hidden) render(state, prev);
  });

  return {
    show() {
      shown = null;
      drafts.clear();
      members.clear();
      messages.clear();
      screen.hidden = false;
      render(store.getState(), null);
      composer.focus();
    },
    hide() {
      screen.hidden = true;
      noticeEl.hidden = true;
      textarea.value = '';
      composer.reset(true);
      picker.close();
      attachments.clear();
      search.close();
      lightbox.close();
      dialogs.closeAll();
      membersDialog.close();
      moderation.dialog.close();
      guard.clear();
      adminBtn.hidden = true;
      profile.close();
      profile.forget();
      sidebar.closeDrawer();
      messages.clear();
      typing.clear();
      shown = null;
    },
    setStatus,
    notice,
    error,
    succeeded,
    liveMessage(message) {
      if (message.room !== shown) return;
      typing.done(message.user.id);
      const files = (message.files ?? []).map((f) => f.name).join(', ');
      announce(`${message.user.username}: ${message.text}${files === '' ? '' : ` (files: ${files})`}`);
    },
    typing(room, user) {
      if (room === shown) typing.saw(user);
    },
    atBottom: () => !screen.hidden && shown !== null && messages.atBottom(),
    slowMode: (room, seconds) => guard.slowWait(room, seconds),
  };
}
