/**
 * Desktop notifications through the page's `Notification` API (no service worker, no push: only
 * while the tab is open). One per room at a time (a newer message replaces the older one by its
 * tag); clicking one brings the tab forward and opens its room; they are closed once the person is
 * back on the tab.
 */

export interface DesktopNotifier {
  /** Whether the browser has them at all. */
  readonly supported: boolean;
  permission(): NotificationPermission;
  /** Asks the person. Only ever called from their own gesture (the room's notification control). */
  request(): Promise<NotificationPermission>;
  show(room: string, title: string, body: string): void;
  /** Closes every notification still shown. */
  clear(): void;
}

export function createDesktopNotifier(onOpen: (room: string) => void): DesktopNotifier {
  const supported = typeof window.Notification === 'function';
  const shown = new Map<string, Notification>();
  return {
    supported,
    permission: () => (supported ? Notification.permission : 'denied'),
    async request() {
      if (!supported) return 'denied';
      return Notification.requestPermission();
    },
    show(room, title, body) {
      if (!supported || Notification.permission !== 'granted') return;
      let note: Notification;
      try {
        note = new Notification(title, { body, tag: `parley:${room}`, lang: document.documentElement.lang });
      } catch {
        return; // a browser that only allows them from a service worker (Android Chrome)
      }
      shown.get(room)?.close();
      shown.set(room, note);
      note.onclick = () => {
        window.focus();
        onOpen(room);
        note.close();
      };
      note.onclose = () => {
        if (shown.get(room) === note) shown.delete(room);
      };
    },
    clear() {
      for (const note of shown.values()) note.close();
      shown.clear();
    },
  };
}
