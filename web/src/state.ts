/**
 * The chat state and a pure reducer over it. No DOM, no network: every change is an action,
 * and every action returns a new state (unchanged parts keep their identity, so views can
 * skip work by comparing references).
 */
import type { Message, User } from '../../protocol/frames.js';

export type PendingStatus = 'pending' | 'failed';

/** A message I sent that the server has not acknowledged yet. */
export interface PendingMessage {
  readonly clientMsgId: string;
  readonly room: string;
  readonly text: string;
  readonly createdAt: string;
  readonly status: PendingStatus;
  readonly error?: string;
}

export interface RoomState {
  /** Sorted by seq, unique by id and by seq, with no gap between the first and the last. */
  readonly messages: readonly Message[];
  /** Sorted by username. */
  readonly online: readonly User[];
  /** Whether older messages than the first one may exist on the server. */
  readonly hasOlder: boolean;
}

export interface ChatState {
  readonly me: User | null;
  readonly rooms: ReadonlyMap<string, RoomState>;
  /** My messages not acknowledged yet: the outbox, in the order I wrote them. */
  readonly pending: readonly PendingMessage[];
  /** Whether the socket is up; while it is not, pending messages are shown as queued. */
  readonly online: boolean;
}

export type ChatAction =
  | { type: 'ready'; user: User }
  | { type: 'joined'; room: string; messages: Message[]; online: User[]; complete: boolean }
  | { type: 'message'; message: Message }
  | { type: 'ack'; clientMsgId: string; message: Message }
  | { type: 'history'; room: string; messages: Message[]; hasMore: boolean }
  /** Messages found for a hole in the list; they change nothing else. */
  | { type: 'fill'; room: string; messages: Message[] }
  | { type: 'online'; online: boolean }
  /** After an incomplete replay: the latest page replaces what we had, so no gap is shown. */
  | { type: 'reload'; room: string; messages: Message[]; hasMore: boolean }
  | { type: 'presence'; room: string; joined: User[]; left: User[] }
  | { type: 'queue'; pending: PendingMessage }
  | { type: 'fail'; clientMsgId: string; error: string }
  | { type: 'retry'; clientMsgId: string };

export const initialState: ChatState = { me: null, rooms: new Map(), pending: [], online: false };

/** The highest seq held for a room, or undefined if the room was never joined. */
export function lastSeq(state: ChatState, room: string): number | undefined {
  const r = state.rooms.get(room);
  if (r === undefined) return undefined;
  return r.messages.at(-1)?.seq ?? 0;
}

export function reduce(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'ready':
      return { ...state, me: action.user };
    case 'joined': {
      const prev = state.rooms.get(action.room);
      // An incomplete replay would leave a gap; keep the old list until the reload arrives.
      const messages = action.complete ? mergeMessages(prev?.messages ?? [], action.messages) : (prev?.messages ?? []);
      const hasOlder = prev ? prev.hasOlder : action.messages.length > 0 && firstSeq(action) > 1;
      return withRoom(state, action.room, { messages, online: sortUsers(action.online), hasOlder });
    }
    case 'message':
      return updateRoom(state, action.message.room, (r) => ({
        ...r,
        messages: mergeMessages(r.messages, [action.message]),
      }));
    case 'ack': {
      const next = updateRoom(state, action.message.room, (r) => ({
        ...r,
        messages: mergeMessages(r.messages, [action.message]),
      }));
      return { ...next, pending: state.pending.filter((p) => p.clientMsgId !== action.clientMsgId) };
    }
    case 'history':
      return updateRoom(state, action.room, (r) => ({
        ...r,
        messages: mergeMessages(r.messages, action.messages),
        hasOlder: action.hasMore,
      }));
    case 'fill':
      return updateRoom(state, action.room, (r) => {
        const messages = mergeMessages(r.messages, action.messages);
        return messages === r.messages ? r : { ...r, messages };
      });
    case 'online':
      return state.online === action.online ? state : { ...state, online: action.online };
    case 'reload':
      return updateRoom(state, action.room, (r) => {
        const page = mergeMessages([], action.messages);
        const from = page[0]?.seq ?? 0;
        const kept = r.messages.filter((m) => m.seq >= from);
        return { ...r, messages: mergeMessages(page, kept), hasOlder: action.hasMore };
      });
    case 'presence':
      return updateRoom(state, action.room, (r) => ({
        ...r,
        online: applyPresence(r.online, action.joined, action.left),
      }));
    case 'queue':
      return { ...state, pending: [...state.pending, action.pending] };
    case 'fail':
      return mapPending(state, action.clientMsgId, (p) => ({
        ...p,
        status: 'failed',
        error: action.error,
      }));
    case 'retry':
      return mapPending(state, action.clientMsgId, (p) => ({
        clientMsgId: p.clientMsgId,
        room: p.room,
        text: p.text,
        createdAt: p.createdAt,
        status: 'pending',
      }));
  }
}

/**
 * The newest hole in a room's list: seqs strictly between `after` and `before` are missing.
 * Seqs only grow and are never reused, so a hole means a frame was lost (the bus may drop one).
 */
export function newestGap(messages: readonly Message[], skip: (gap: Gap) => boolean = () => false): Gap | undefined {
  for (let i = messages.length - 1; i > 0; i--) {
    const gap = { after: messages[i - 1]!.seq, before: messages[i]!.seq };
    if (gap.before - gap.after > 1 && !skip(gap)) return gap;
  }
  return undefined;
}

export interface Gap {
  after: number;
  before: number;
}

function firstSeq(action: { messages: Message[] }): number {
  return Math.min(...action.messages.map((m) => m.seq));
}

function withRoom(state: ChatState, room: string, value: RoomState): ChatState {
  const rooms = new Map(state.rooms);
  rooms.set(room, value);
  return { ...state, rooms };
}

function updateRoom(state: ChatState, room: string, f: (r: RoomState) => RoomState): ChatState {
  const prev = state.rooms.get(room);
  // Frames for a room we never joined are ignored: there is no context to place them in.
  if (prev === undefined) return state;
  const next = f(prev);
  return next === prev ? state : withRoom(state, room, next);
}

function mapPending(state: ChatState, id: string, f: (p: PendingMessage) => PendingMessage): ChatState {
  if (!state.pending.some((p) => p.clientMsgId === id)) return state;
  return { ...state, pending: state.pending.map((p) => (p.clientMsgId === id ? f(p) : p)) };
}

/**
 * Merges messages into a sorted list, deduplicating by id and by seq. Returns `existing`
 * itself when nothing new arrived, so a replayed frame costs no re-render.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const last = existing.at(-1);
  const only = incoming.length === 1 ? incoming[0] : undefined;
  if (only !== undefined && (last === undefined || only.seq > last.seq)) {
    return [...existing, only]; // the common case: one new message at the end
  }
  const seen = new Set(existing.map((m) => m.id));
  const seqs = new Set(existing.map((m) => m.seq));
  const fresh: Message[] = [];
  for (const m of incoming) {
    if (seen.has(m.id) || seqs.has(m.seq)) continue;
    seen.add(m.id);
    seqs.add(m.seq);
    fresh.push(m);
  }
  if (fresh.length === 0) return existing;
  return [...existing, ...fresh].sort((a, b) => a.seq - b.seq);
}

function applyPresence(online: readonly User[], joined: readonly User[], left: readonly User[]): readonly User[] {
  const byId = new Map(online.map((u) => [u.id, u]));
  for (const u of left) byId.delete(u.id);
  for (const u of joined) byId.set(u.id, u);
  return sortUsers([...byId.values()]);
}

function sortUsers(users: readonly User[]): readonly User[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  return [...byId.values()].sort((a, b) => a.username.localeCompare(b.username, undefined, { sensitivity: 'base' }));
}
