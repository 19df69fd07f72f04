/**
 * History over HTTP (it works while the socket is down, and the token refresher covers it):
 * older pages by seq cursor when the person scrolls up, and the latest page again when the server
 * says a replay was cut short. A frame lost on the way is not fetched here: sync.ts joins again with
 * `after`, and the server replays every change since, edits and reactions included.
 */
import { Limits } from '../../protocol/limits.js';
import { ApiError, roomMessages } from './api.js';
import type { Store } from './store.js';

export const OLDER_PAGE = 50;

export interface HistoryEvents {
  onNotice(text: string): void;
  onAuthFailure(): void;
}

export interface History {
  /** One page before the oldest message held: `limit` messages at most (OLDER_PAGE unless said). */
  loadOlder(room: string, limit?: number): Promise<void>;
  reload(room: string): Promise<void>;
}

export function createHistory(store: Store, events: HistoryEvents): History {
  const olderLoading = new Set<string>();

  function failed(err: unknown): void {
    if (err instanceof ApiError && err.isAuthFailure) return events.onAuthFailure();
    // Offline: the status line already says so, and the next scroll or join tries again.
    if (err instanceof ApiError && err.isNetwork) return;
    events.onNotice(err instanceof Error ? err.message : 'Loading history failed.');
  }

  return {
    async loadOlder(room, limit = OLDER_PAGE) {
      const first = store.getState().rooms.get(room)?.messages[0];
      if (first === undefined || olderLoading.has(room)) return;
      olderLoading.add(room);
      try {
        const page = await roomMessages(room, first.seq, limit);
        // Trimmed (or reloaded) while we waited: this page no longer joins onto the list, and
        // merging it would hide everything between. The next scroll up asks with the right cursor.
        if (store.getState().rooms.get(room)?.messages[0]?.id !== first.id) return;
        store.dispatch({ type: 'history', room, ...page });
      } catch (err) {
        failed(err);
      } finally {
        olderLoading.delete(room);
      }
    },

    async reload(room) {
      try {
        const page = await roomMessages(room, undefined, Limits.JOIN_BACKLOG);
        store.dispatch({ type: 'reload', room, ...page });
      } catch (err) {
        failed(err);
      }
    },
  };
}
