/**
 * The chat state and a pure reducer over it. No DOM, no network: every change is an action, and
 * every action returns a new state (unchanged parts keep their identity, so views can skip work by
 * comparing references).
 *
 * Each room keeps a watermark, `lastSeq`: every seq up to it has been applied, from a `joined`
 * answer or from live frames that followed it one by one. Every durable change in a room (a
 * message, an edit, a reaction, a member joining) takes the room's next seq, so message seqs have
 * holes of their own and only the watermark tells whether a frame was lost: a live frame past
 * `lastSeq + 1` is applied at once and remembered in `ahead` until the frames under it arrive; if
 * they do not, the client joins again with `after: lastSeq` and the server replays what it missed.
 *
 * Applying a `joined` answer with `after` (its messages and events in seq order) to the state the
 * client held gives the same messages as a fresh `joined` without `after`: events carry absolute
 * values (the current text, an emoji's count after the change), see state/messages.ts.
 */
import type { FileRef } from '../../protocol/files.js';
import type { Message, Room, ServerLimits, User } from '../../protocol/frames.js';
import type { RoomEvent } from '../../protocol/events.js';
import { DEFAULT_MESSAGE_TEXT_LIMITS } from '../../protocol/message-text.js';
import { DEFAULT_PACER_LIMITS } from './outbox-pacer.js';
import * as directory from './state/directory.js';
import {
  addNote,
  isNoteEvent,
  mutedBy,
  mutesAfterEvent,
  mutesFromList,
  type Mute,
  type NoteEvent,
} from './state/moderation.js';
import {
  applyMessageEvent,
  comparable,
  HELD_KEEP,
  HELD_MAX,
  holds,
  isMessageEvent,
  keepNewest,
  mergeMessages,
} from './state/messages.js';

export { comparable, mergeMessages } from './state/messages.js';

/**
 * `pending`: waiting to go out, or sent and not acknowledged yet (a rate-limited one waits here
 * too, and goes out again by itself); `failed`: refused for good, until I press retry.
 */
export type PendingStatus = 'pending' | 'failed';

/** A message I sent that the server has not acknowledged yet. */
export interface PendingMessage {
  readonly clientMsgId: string;
  readonly room: string;
  readonly text: string;
  readonly createdAt: string;
  readonly status: PendingStatus;
  readonly error?: string;
  /** The id of the message it answers. */
  readonly replyTo?: string;
  /** My uploads it attaches (sent by id; every resend carries them again). */
  readonly files?: readonly FileRef[];
}

export interface RoomState {
  /** Sorted by seq, unique by id. Seqs have holes: events take seqs too. */
  readonly messages: readonly Message[];
  /** Sorted by username. */
  readonly online: readonly User[];
  /** Whether older messages than the first one may exist on the server. */
  readonly hasOlder: boolean;
  /** The watermark: every seq up to it is applied. */
  readonly lastSeq: number;
  /** Seqs above `lastSeq + 1` applied already, sorted: non-empty means a frame under them is missing. */
  readonly ahead: readonly number[];
  /** My read marker as the `joined` answer (or a `read` frame since) gave it. */
  readonly lastReadSeq: number;
  /** Moderation seen in the room while I followed it (kicks, bans, mutes, roles, modes), by seq. */
  readonly notes: readonly NoteEvent[];
}

export interface ChatState {
  readonly me: User | null;
  readonly rooms: ReadonlyMap<string, RoomState>;
  /** My messages not acknowledged yet: the outbox, in the order I wrote them. */
  readonly pending: readonly PendingMessage[];
  /** Whether the socket is up; while it is not, pending messages are shown as queued. */
  readonly online: boolean;
  /** The room list (`GET /rooms`), kept live; null until it is first loaded. */
  readonly directory: readonly Room[] | null;
  /** The room on screen. */
  readonly active: string | null;
  /** What this server allows my messages (`ready.limits`; the protocol's defaults until it says). */
  readonly limits: ServerLimits;
  /** My global roles (`ready.roles`): `admin`, `moderator`. */
  readonly roles: readonly string[];
  /** The rooms that mute me, until when and (when I was told) why. */
  readonly mutes: ReadonlyMap<string, Mute>;
}

export type ChatAction =
  | { type: 'ready'; user: User; limits?: ServerLimits; roles?: string[] }
  /** A `joined` frame as it arrives (`events`, `lastSeq` and `lastReadSeq` from servers that send them). */
  | {
      type: 'joined';
      room: string;
      messages: Message[];
      complete: boolean;
      online: User[];
      onlineCount?: number;
      events?: RoomEvent[];
      lastSeq?: number;
      lastReadSeq?: number;
    }
  | { type: 'message'; message: Message }
  | { type: 'event'; event: RoomEvent }
  | { type: 'ack'; clientMsgId: string; message: Message }
  | { type: 'history'; room: string; messages: Message[]; hasMore: boolean }
  | { type: 'online'; online: boolean }
  /** After an incomplete replay: the latest page replaces what we had, so no gap is shown. */
  | { type: 'reload'; room: string; messages: Message[]; hasMore: boolean }
  | { type: 'presence'; room: string; joined: User[]; left: User[] }
  /** My read marker moved (here or on another device). */
  | { type: 'read'; room: string; seq: number }
  /** A fresh room list from the server. */
  | { type: 'rooms'; rooms: Room[] }
  /** This socket no longer follows the room (left, removed, or not allowed any more). */
  | { type: 'left'; room: string; reason?: 'left' | 'removed' | 'kicked' | 'banned' | undefined }
  /** The socket stopped following the room (still mine): what we held of it would only go stale. */
  | { type: 'forget'; room: string }
  /** The person follows the end of the room: the oldest messages held beyond `HELD_MAX` may go. */
  | { type: 'trim'; room: string }
  /** Show this room. */
  | { type: 'open'; room: string | null }
  | { type: 'queue'; pending: PendingMessage }
  | { type: 'fail'; clientMsgId: string; error: string }
  | { type: 'retry'; clientMsgId: string }
  /** A MUTED refusal: I am muted in the room until then. */
  | { type: 'muted'; room: string; until: string; reason?: string | undefined };

export const initialState: ChatState = {
  me: null,
  rooms: new Map(),
  pending: [],
  online: false,
  directory: null,
  active: null,
  limits: { ...DEFAULT_MESSAGE_TEXT_LIMITS, ...DEFAULT_PACER_LIMITS },
  roles: [],
  mutes: new Map(),
};

/** The room's watermark (every seq up to it applied), or undefined if the room was never joined. */
export function lastSeq(state: ChatState, room: string): number | undefined {
  return state.rooms.get(room)?.lastSeq;
}

/** The messages held for a room, sorted by seq (empty if it was never joined). */
export function roomMessages(state: ChatState, room: string): readonly Message[] {
  return state.rooms.get(room)?.messages ?? [];
}

/**
 * The messages of a room in a comparable form (see `comparable`): two states that show the same
 * thing give deeply equal arrays. `fromSeq` drops older messages, to compare with a fresh backlog.
 */
export function roomSnapshot(state: ChatState, room: string, fromSeq = 0): Message[] {
  return roomMessages(state, room)
    .filter((m) => m.seq >= fromSeq)
    .map(comparable);
}

/** Whether a live frame was lost: the client should join again with `after: lastSeq`. */
export function isBehind(state: ChatState, room: string): boolean {
  return (state.rooms.get(room)?.ahead.length ?? 0) > 0;
}

/** The room list entry, if the list has it. */
export function roomEntry(state: ChatState, room: string): Room | undefined {
  return state.directory?.find((r) => r.name === room);
}

/** Why a message waiting for a room I am no longer in cannot go. */
const LEFT_WHY = {
  left: 'You are no longer in this room.',
  removed: 'You were removed from this room.',
  kicked: 'A moderator removed you from this room.',
  banned: 'A moderator banned you from this room.',
} as const;

export function reduce(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'ready':
      return { ...state, me: action.user, limits: action.limits ?? state.limits, roles: action.roles ?? state.roles };
    case 'joined':
      return withDirectory(
        withRoom(state, action.room, applyJoined(state.rooms.get(action.room), action, state.me)),
        (list, s) => {
          let next = directory.joinedRoom(list, action.room, action.lastReadSeq);
          // Topic and visibility are set, not counted: a replay of them is safe to apply again.
          for (const event of action.events ?? [])
            if (event.kind === 'room_change') next = directory.roomEvent(next, event, s.me);
          return directory.recount(next, action.room, s.rooms.get(action.room), s.me);
        },
      );
    case 'message': {
      const { message } = action;
      const prev = state.rooms.get(message.room);
      const next = live(state, message.room, message.seq, (r) => held(state, message.room, r, [message]));
      // Counted once: when it is new to this client.
      if (prev === undefined || holds(prev.messages, message) || next === state) return next;
      return withDirectory(next, (list, s) => directory.sawMessage(list, message, s.rooms.get(message.room), s.me));
    }
    case 'ack': {
      const next = live(state, action.message.room, action.message.seq, (r) =>
        held(state, action.message.room, r, [action.message]),
      );
      const pending = state.pending.filter((p) => p.clientMsgId !== action.clientMsgId);
      const acked = pending.length === state.pending.length ? next : { ...next, pending };
      return withDirectory(acked, (list, s) =>
        directory.recount(list, action.message.room, s.rooms.get(action.message.room), s.me),
      );
    }
    case 'event': {
      const { event } = action;
      const next = live(state, event.room, event.seq, (r) => applyEvent(r, event, state.me));
      if (next === state && state.rooms.has(event.room)) return state; // applied already: counted once
      const mutes = mutesAfterEvent(next.mutes, event, next.me);
      return withDirectory(mutes === next.mutes ? next : { ...next, mutes }, (list, s) =>
        directory.recount(directory.roomEvent(list, event, s.me), event.room, s.rooms.get(event.room), s.me),
      );
    }
    case 'muted': {
      const mutes = mutedBy(state.mutes, action.room, { until: action.until, reason: action.reason });
      return mutes === state.mutes ? state : { ...state, mutes };
    }
    case 'history':
      return updateRoom(state, action.room, (r) => ({
        ...r,
        messages: mergeMessages(r.messages, action.messages),
        hasOlder: action.hasMore,
      }));
    case 'online':
      return state.online === action.online ? state : { ...state, online: action.online };
    case 'reload':
      return updateRoom(state, action.room, (r) => {
        // The page is the server's state now: it wins over what we held.
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
    case 'read': {
      const next = updateRoom(state, action.room, (r) =>
        action.seq > r.lastReadSeq ? { ...r, lastReadSeq: action.seq } : r,
      );
      return withDirectory(next, (list, s) =>
        directory.markRead(list, action.room, action.seq, s.rooms.get(action.room), s.me),
      );
    }
    case 'rooms':
      return {
        ...state,
        directory: directory.adoptList(action.rooms, state.directory, state.rooms, state.me),
        mutes: mutesFromList(state.mutes, action.rooms),
      };
    case 'left': {
      if (!state.rooms.has(action.room) && roomEntry(state, action.room)?.member !== true) return state;
      const rooms = new Map(state.rooms);
      rooms.delete(action.room);
      const why = LEFT_WHY[action.reason ?? 'left'];
      const pending = state.pending.map((p) =>
        p.room === action.room && p.status === 'pending' ? { ...p, status: 'failed' as const, error: why } : p,
      );
      return {
        ...state,
        rooms,
        pending,
        directory: directory.leftRoom(state.directory, action.room),
        active: state.active === action.room ? null : state.active,
      };
    }
    case 'forget': {
      if (!state.rooms.has(action.room) || state.active === action.room) return state;
      const rooms = new Map(state.rooms);
      rooms.delete(action.room);
      return { ...state, rooms };
    }
    case 'trim':
      return updateRoom(state, action.room, trimmed);
    case 'open':
      return state.active === action.room ? state : { ...state, active: action.room };
    case 'queue':
      return { ...state, pending: [...state.pending, action.pending] };
    case 'fail':
      return mapPending(state, action.clientMsgId, (p) => ({ ...p, status: 'failed', error: action.error }));
    case 'retry':
      return mapPending(state, action.clientMsgId, (p) => {
        const { error: _error, ...rest } = p;
        return { ...rest, status: 'pending' };
      });
  }
}

/**
 * A `joined` answer on what we held. Complete: its messages (in their current state) and events are
 * applied in seq order. Incomplete (we were away too long): its backlog replaces what we held, and
 * history is reloaded. Either way the watermark becomes the seq the answer covers.
 */
function applyJoined(
  prev: RoomState | undefined,
  action: Extract<ChatAction, { type: 'joined' }>,
  me: User | null,
): RoomState {
  const events = action.events ?? [];
  const newest = Math.max(0, ...action.messages.map((m) => m.seq), ...events.map((e) => e.seq));
  const covered = action.lastSeq ?? Math.max(newest, prev?.lastSeq ?? 0);
  const online = sortUsers(action.online);
  const lastReadSeq = Math.max(prev?.lastReadSeq ?? 0, action.lastReadSeq ?? 0);
  const ahead = (prev?.ahead ?? []).filter((s) => s > covered);
  if (prev === undefined || !action.complete) {
    const messages = mergeMessages([], action.messages);
    const first = messages[0]?.seq;
    return {
      messages,
      online,
      hasOlder: first !== undefined && first > 1,
      lastSeq: covered,
      ahead,
      lastReadSeq,
      notes: events.filter(isNoteEvent).reduce(addNote, prev?.notes ?? []),
    };
  }
  let messages = prev.messages;
  let notes = prev.notes;
  const steps: ({ seq: number; message: Message } | { seq: number; event: RoomEvent })[] = [
    ...action.messages.map((message) => ({ seq: message.seq, message })),
    ...events.map((event) => ({ seq: event.seq, event })),
  ].sort((a, b) => a.seq - b.seq);
  for (const step of steps) {
    if ('message' in step) messages = mergeMessages(messages, [step.message], true);
    else if (isMessageEvent(step.event)) messages = applyMessageEvent(messages, step.event, me?.id);
    else if (isNoteEvent(step.event)) notes = addNote(notes, step.event);
  }
  return { ...prev, messages, notes, online, lastSeq: Math.max(prev.lastSeq, covered), ahead, lastReadSeq };
}

/**
 * Live messages added to a room. A room not on screen lets its oldest messages go at once past the
 * cap; the room on screen waits for the list to say the person follows its end (`trim`).
 */
function held(state: ChatState, room: string, r: RoomState, incoming: readonly Message[]): RoomState {
  const next = { ...r, messages: mergeMessages(r.messages, incoming) };
  return state.active === room ? next : trimmed(next);
}

/** The room with at most `HELD_KEEP` messages once it holds more than `HELD_MAX`; older ones are on the server. */
function trimmed(r: RoomState): RoomState {
  if (r.messages.length <= HELD_MAX) return r;
  return { ...r, messages: keepNewest(r.messages, HELD_KEEP), hasOlder: true };
}

function applyEvent(r: RoomState, event: RoomEvent, me: User | null): RoomState {
  if (isNoteEvent(event)) {
    const notes = addNote(r.notes, event);
    return notes === r.notes ? r : { ...r, notes };
  }
  if (!isMessageEvent(event)) return r;
  const messages = applyMessageEvent(r.messages, event, me?.id);
  return messages === r.messages ? r : { ...r, messages };
}

/**
 * A live frame with `seq`: what the watermark covers is applied already (a replay said so), so it
 * is skipped; the next seq moves the watermark (and over any applied just above it); a later one is
 * applied and remembered in `ahead`, which tells sync.ts a frame under it is missing.
 */
function live(state: ChatState, room: string, seq: number, apply: (r: RoomState) => RoomState): ChatState {
  return updateRoom(state, room, (r) => {
    if (seq <= r.lastSeq || r.ahead.includes(seq)) return r;
    const applied = apply(r);
    if (seq > r.lastSeq + 1) {
      return { ...applied, ahead: [...r.ahead, seq].sort((a, b) => a - b) };
    }
    let lastSeq = seq;
    const ahead = [...r.ahead];
    while (ahead[0] === lastSeq + 1) lastSeq = ahead.shift()!;
    return { ...applied, lastSeq, ahead };
  });
}

/** The list follows the new state of the room (the callback sees the state with the room updated). */
function withDirectory(
  state: ChatState,
  f: (list: readonly Room[] | null, state: ChatState) => readonly Room[] | null,
): ChatState {
  const list = f(state.directory, state);
  return list === state.directory ? state : { ...state, directory: list };
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
