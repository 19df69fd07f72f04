/**
 * My rooms: the list from `GET /rooms` (fetched at start, on every reconnect, when the server says
 * `rooms-changed`, and once a minute for the counts of rooms the socket does not follow), which
 * rooms the socket follows, which one is open, and the room actions behind the sidebar's dialogs.
 *
 * The socket follows the open room and up to FOLLOW_MAX of my other rooms (DMs first), so their
 * unread and mention badges move live and switching to one shows it at once, already current;
 * past that cap a room's badge moves with the list refetches. Following every room would make each
 * reconnect replay every room; following only the open one would leave badges still until the
 * next refetch, since the server pushes nothing for rooms a socket does not follow.
 */
import type { Room } from '../../../protocol/frames.js';
import * as api from '../api.js';
import type { Store } from '../store.js';
import type { Sync } from '../sync.js';

/** Rooms joined on the socket besides the open one: each costs a `joined` backlog on connect. */
export const FOLLOW_MAX = 30;
const REFRESH_EVERY_MS = 60_000;
/** The room everyone starts in. */
export const HOME_ROOM = 'general';

export interface RoomsEvents {
  onNotice(text: string): void;
  onAuthFailure(): void;
}

export interface Rooms {
  /** Fetch the list again (calls close together share one request). */
  refresh(): Promise<void>;
  open(room: string): void;
  createRoom(room: api.NewRoom): Promise<void>;
  joinRoom(name: string): Promise<void>;
  leaveRoom(name: string): Promise<void>;
  updateRoom(name: string, change: { topic?: string; visibility?: 'public' | 'private' }): Promise<void>;
  openDm(username: string): Promise<void>;
  invite(room: string, username: string): Promise<void>;
  remove(room: string, username: string): Promise<void>;
  /** I no longer follow `room` (left, removed): open another. */
  lost(room: string): void;
  stop(): void;
}

/** Which rooms the socket should follow: the open one, then DMs, then rooms, up to the cap. */
export function roomsToFollow(list: readonly Room[] | null, active: string | null): string[] {
  const mine = (list ?? []).filter((r) => r.member);
  const ordered = [...mine.filter((r) => r.kind === 'dm'), ...mine.filter((r) => r.kind === 'room')].map((r) => r.name);
  const chosen = ordered.filter((name) => name !== active).slice(0, FOLLOW_MAX);
  return active === null ? chosen : [active, ...chosen];
}

/** The room to show when none is open: home if I am in it, else my first room, else home (joining it). */
export function pickRoom(list: readonly Room[]): string | null {
  const mine = list.filter((r) => r.member);
  if (mine.some((r) => r.name === HOME_ROOM)) return HOME_ROOM;
  const first = mine.find((r) => r.kind === 'room') ?? mine[0];
  if (first !== undefined) return first.name;
  return list.some((r) => r.name === HOME_ROOM) || list.length === 0 ? HOME_ROOM : null;
}

export function createRooms(store: Store, sync: () => Sync | null, events: RoomsEvents): Rooms {
  let inflight: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void rooms.refresh();
  }, REFRESH_EVERY_MS);

  function follow(): void {
    const state = store.getState();
    sync()?.follow(roomsToFollow(state.directory, state.active));
  }

  /** Opens a room if none is, or if the open one is no longer mine. */
  function ensureOpen(): void {
    const { directory, active, rooms } = store.getState();
    if (directory === null) return;
    // Mine, or joined on this socket already (the list may lag behind a first join of a public room).
    if (active !== null && (directory.some((r) => r.name === active && r.member) || rooms.has(active))) return;
    store.dispatch({ type: 'open', room: pickRoom(directory) });
  }

  async function load(): Promise<void> {
    try {
      const { rooms: list } = await api.listRooms();
      if (stopped) return;
      store.dispatch({ type: 'rooms', rooms: list });
    } catch (err) {
      if (err instanceof api.ApiError && err.isAuthFailure) return events.onAuthFailure();
      if (store.getState().directory === null && store.getState().active === null) {
        // No list yet (offline, or a server without it): the home room still works.
        store.dispatch({ type: 'open', room: HOME_ROOM });
        follow();
      }
      return;
    }
    ensureOpen();
    follow();
  }

  function failed(err: unknown): never {
    if (err instanceof api.ApiError && err.isAuthFailure) events.onAuthFailure();
    throw err;
  }

  const rooms: Rooms = {
    refresh() {
      if (inflight !== null) {
        again = true;
        return inflight;
      }
      inflight = (async () => {
        do {
          again = false;
          await load();
        } while (again && !stopped);
      })().finally(() => (inflight = null));
      return inflight;
    },
    open(room) {
      store.dispatch({ type: 'open', room });
      follow();
    },
    async createRoom(room) {
      const { room: created } = await api.createRoom(room).catch(failed);
      await rooms.refresh();
      rooms.open(created.name);
    },
    async joinRoom(name) {
      await api.joinRoom(name).catch(failed);
      await rooms.refresh();
      rooms.open(name);
    },
    async leaveRoom(name) {
      await api.leaveRoom(name).catch(failed);
      store.dispatch({ type: 'left', room: name, reason: 'left' });
      rooms.lost(name);
      void rooms.refresh();
    },
    async updateRoom(name, change) {
      await api.updateRoom(name, change).catch(failed);
      void rooms.refresh();
    },
    async openDm(username) {
      const { room } = await api.openDm(username).catch(failed);
      await rooms.refresh();
      rooms.open(room.name);
    },
    async invite(room, username) {
      await api.inviteMember(room, username).catch(failed);
      void rooms.refresh();
    },
    async remove(room, username) {
      await api.removeMember(room, username).catch(failed);
      void rooms.refresh();
    },
    lost(room) {
      const state = store.getState();
      if (state.active === null || state.active === room) {
        store.dispatch({ type: 'open', room: state.directory === null ? HOME_ROOM : pickRoom(state.directory) });
      }
      follow();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
  return rooms;
}
