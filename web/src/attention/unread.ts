/**
 * What the tab shows of what waits unread: the count in the title and on the favicon. The counts
 * come from the room list in the state (the server's, capped at 100, kept live by the messages
 * the socket sees; state/directory.ts). The open room counts only while the page is not visible:
 * on a visible page it is being read, and the read marker clears it within a second (the sidebar
 * hides its badge for the same reason).
 */
import { roomEntry, type ChatState } from '../state.js';
import { roomLabel } from '../ui/conversations/sidebar.js';

export const APP_NAME = 'Parley';

/** Unread messages in my rooms, the open one left out while the page is visible. */
export function unreadTotal(state: ChatState, pageVisible: boolean): number {
  let total = 0;
  for (const room of state.directory ?? []) {
    if (!room.member || (pageVisible && room.name === state.active)) continue;
    total += room.unread ?? 0;
  }
  return total;
}

/** A count as badges show it: the server stops counting at 100. */
export function countText(n: number): string {
  return n > 99 ? '99+' : String(n);
}

/** `(3) #general — Parley`; without unread `#general — Parley`; without a room `Parley`. */
export function titleText(state: ChatState, unread: number): string {
  const room = state.active;
  const base = room === null ? APP_NAME : `${roomLabel(roomEntry(state, room), room, state.me)} — ${APP_NAME}`;
  return unread > 0 ? `(${countText(unread)}) ${base}` : base;
}
