/**
 * Attention while the chat is open: the unread count in the tab's title and on its favicon, and
 * desktop notifications for live messages the room's level lets through (notify-policy.ts), with
 * the room header's control to choose that level. One per login; `stop()` puts the tab back.
 */
import type { Message } from '../../../protocol/frames.js';
import { roomEntry } from '../state.js';
import type { Store } from '../store.js';
import { roomLabel } from '../ui/conversations/sidebar.js';
import { createDesktopNotifier } from './desktop-notifier.js';
import { createFavicon } from './favicon.js';
import { bindNotifyControl } from './notify-control.js';
import { notificationText, shouldNotify } from './notify-policy.js';
import { createNotifySettings, type NotifySettings } from './notify-settings.js';
import { APP_NAME, titleText, unreadTotal } from './unread.js';

export interface AttentionHandlers {
  /** Show this room (a notification was clicked). */
  openRoom(room: string): void;
  notice(text: string): void;
}

export interface Attention {
  /** Someone else's message arrived live. */
  message(message: Message): void;
  stop(): void;
}

const visible = (): boolean => document.visibilityState === 'visible';
/** Looking at the tab: visible and focused. Otherwise a notification is worth it. */
const attentive = (): boolean => visible() && document.hasFocus();

export function createAttention(store: Store, handlers: AttentionHandlers): Attention {
  const favicon = createFavicon();
  const notifier = createDesktopNotifier((room) => handlers.openRoom(room));
  let settings: { userId: string; of: NotifySettings } | null = null;

  function mySettings(): NotifySettings | null {
    const me = store.getState().me;
    if (me === null) return null;
    if (settings?.userId !== me.id) settings = { userId: me.id, of: createNotifySettings(me.id) };
    return settings.of;
  }

  function levelOf(room: string) {
    const kind = roomEntry(store.getState(), room)?.kind;
    return mySettings()?.level(room, kind) ?? 'none';
  }

  function paint(): void {
    const state = store.getState();
    const unread = unreadTotal(state, visible());
    const title = titleText(state, unread);
    if (document.title !== title) document.title = title;
    favicon.show(unread);
  }

  const control = bindNotifyControl(notifier, {
    current() {
      const room = store.getState().active;
      return room === null ? null : { room, level: levelOf(room) };
    },
    choose: (room, level) => mySettings()?.set(room, level),
    notice: (text) => handlers.notice(text),
  });

  const unsubscribe = store.subscribe((state, prev) => {
    if (state.directory === prev.directory && state.active === prev.active && state.me === prev.me) return;
    paint();
    control.render();
  });
  const onLook = (): void => {
    paint();
    if (attentive()) notifier.clear();
  };
  document.addEventListener('visibilitychange', onLook);
  window.addEventListener('focus', onLook);
  paint();

  return {
    message(message) {
      const state = store.getState();
      if (!shouldNotify(message, state.me, levelOf(message.room), attentive())) return;
      const entry = roomEntry(state, message.room);
      const { title, body } = notificationText(message, roomLabel(entry, message.room, state.me), entry?.kind === 'dm');
      notifier.show(message.room, title, body);
    },
    stop() {
      unsubscribe();
      document.removeEventListener('visibilitychange', onLook);
      window.removeEventListener('focus', onLook);
      control.stop();
      notifier.clear();
      favicon.reset();
      document.title = APP_NAME;
    },
  };
}
