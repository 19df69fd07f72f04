/**
 * My read marker: when the open room is on screen (the tab visible) and scrolled to the bottom, and
 * it holds a message newer than my marker, the marker moves to the room's watermark — over the
 * socket (`read`), or over HTTP while the room is not joined there. At most one a second; what was
 * on screen still counts as read if the person switches rooms before it goes out. The server echoes
 * it to all my sockets, which clears the badge on my other devices.
 */
import * as api from '../api.js';
import type { Store } from '../store.js';
import type { Sync } from '../sync.js';

export const READ_EVERY_MS = 1000;

export interface ReadMarker {
  /** Something changed (a message, a scroll, the tab came back): maybe the marker should move. */
  check(): void;
  stop(): void;
}

export function createReadMarker(store: Store, sync: () => Sync | null, onScreenAtBottom: () => boolean): ReadMarker {
  /** The last seq sent per room, so a marker goes out once. */
  const sent = new Map<string, number>();
  /** Markers seen on screen and not sent yet, by room: a room left before the next send keeps its own. */
  const pending = new Map<string, number>();
  let lastSentAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function due(): { room: string; seq: number } | undefined {
    const state = store.getState();
    const room = state.active;
    if (room === null || document.visibilityState !== 'visible') return undefined;
    const held = state.rooms.get(room);
    const newest = held?.messages.at(-1);
    if (held === undefined || newest === undefined) return undefined;
    const marker = Math.max(held.lastReadSeq, state.directory?.find((r) => r.name === room)?.lastReadSeq ?? 0);
    if (newest.seq <= marker || held.lastSeq <= (sent.get(room) ?? 0)) return undefined;
    if (!onScreenAtBottom()) return undefined;
    return { room, seq: Math.max(held.lastSeq, newest.seq) };
  }

  function send(room: string, seq: number): void {
    sent.set(room, seq);
    if (sync()?.act({ type: 'read', room, seq }) === true) return;
    void api.markRead(room, seq).then(
      (answer) => store.dispatch({ type: 'read', room, seq: answer.seq }),
      () => sent.delete(room), // try again at the next check
    );
  }

  function flush(): void {
    timer = undefined;
    lastSentAt = Date.now();
    for (const [room, seq] of pending) if (seq > (sent.get(room) ?? 0)) send(room, seq);
    pending.clear();
  }

  const onVisible = (): void => marker.check();
  document.addEventListener('visibilitychange', onVisible);

  const marker: ReadMarker = {
    check() {
      const next = due();
      if (next !== undefined) pending.set(next.room, Math.max(pending.get(next.room) ?? 0, next.seq));
      if (timer !== undefined || pending.size === 0) return;
      timer = setTimeout(flush, Math.max(0, lastSentAt + READ_EVERY_MS - Date.now()));
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
  return marker;
}
