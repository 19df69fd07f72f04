/**
 * The room header's notification control: a `<select>` of all / mentions / none for the open
 * room. It shows "off" while the browser has not granted notifications; choosing all or mentions
 * then asks for permission, from that very gesture (never on load). If the person refuses, it says
 * so and stays off; "none" needs no permission.
 */
import { byId } from '../ui/dom.js';
import type { DesktopNotifier } from './desktop-notifier.js';
import { isNotifyLevel, type NotifyLevel } from './notify-settings.js';

export interface NotifyControlHandlers {
  /** The open room and its level, or null when none is open. */
  current(): { room: string; level: NotifyLevel } | null;
  choose(room: string, level: NotifyLevel): void;
  notice(text: string): void;
}

export interface NotifyControl {
  /** Shows the open room's level (after a room switch, or the permission changing). */
  render(): void;
  stop(): void;
}

const BLOCKED = 'Desktop notifications are blocked for this site: allow them in the browser, then choose again.';

export function bindNotifyControl(notifier: DesktopNotifier, handlers: NotifyControlHandlers): NotifyControl {
  const wrap = byId('notify-control', HTMLElement);
  const select = byId('notify-level', HTMLSelectElement);
  const abort = new AbortController();

  function render(): void {
    const now = handlers.current();
    wrap.hidden = !notifier.supported || now === null;
    if (now === null) return;
    const off = now.level !== 'none' && notifier.permission() !== 'granted';
    select.value = off ? 'off' : now.level;
    select.title = off ? 'desktop notifications are off: choose a level to turn them on' : '';
  }

  select.addEventListener(
    'change',
    () => {
      const now = handlers.current();
      const level = select.value;
      if (now === null || !isNotifyLevel(level)) return render();
      handlers.choose(now.room, level);
      if (level === 'none' || notifier.permission() === 'granted') return render();
      // Turning them on: this is the person's gesture, the one moment we may ask.
      void notifier.request().then(
        (answer) => {
          if (answer === 'denied') handlers.notice(BLOCKED);
          render();
        },
        () => render(),
      );
    },
    { signal: abort.signal },
  );

  render();
  return {
    render,
    stop() {
      abort.abort();
      wrap.hidden = true;
    },
  };
}
