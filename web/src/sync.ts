/**
 * Keeps the local state in step with the server: joins every followed room on each `ready`,
 * resuming after the room's watermark; joins again with `after` when a live frame shows that one
 * was lost; reloads when the server says the replay was cut short; and hands my outbox
 * (outbox.ts) the rooms it may send to: a message goes out with its original clientMsgId — only
 * once its room is joined on this very socket, in the order written, at the pace the server allows —
 * so a retry is never a duplicate and nothing typed offline is lost.
 */
import type { FileRef } from '../../protocol/files.js';
import type { ClientFrame, ErrorFrameT, Message, ServerFrame, User } from '../../protocol/frames.js';
import type { Connection } from './connection.js';
import type { History } from './history.js';
import { createOutbox } from './outbox.js';
import { DEFAULT_PACER_LIMITS } from './outbox-pacer.js';
import { mutedText } from './moderation/words.js';
import { isBehind, lastSeq, type PendingMessage } from './state.js';
import type { Store } from './store.js';

type LeftReason = NonNullable<Extract<ServerFrame, { type: 'left' }>['reason']>;

export interface SyncEvents {
  /** A human-readable notice (reloaded history). */
  onNotice(text: string): void;
  /** Something I did was refused (the server's message, for people). */
  onError(text: string): void;
  /** Something I did took effect: my message was stored, my change to a message or a room applied. */
  onDone(): void;
  /** Someone else's message arrived live (not from history). */
  onLiveMessage(message: Message): void;
  onTyping(room: string, user: User): void;
  /** My room list changed, or its counts may be stale: fetch it again. */
  onRoomsChanged(): void;
  /** This socket no longer follows the room; `detail`: the moderator's reason for a kick or ban. */
  onLeft(room: string, reason: LeftReason | undefined, detail?: string): void;
  /** Slow mode held my message back: it goes again by itself in `seconds`. */
  onSlowMode(room: string, seconds: number): void;
}

export interface Sync {
  handle(frame: ServerFrame): void;
  /** The socket went down: nothing is joined any more. */
  disconnected(): void;
  /** Follow these rooms (join the new ones now if the socket is up; the others are left alone). */
  follow(rooms: readonly string[]): void;
  /** Queues a message (with my uploaded `files`, when it carries some: its text may then be empty). */
  sendText(room: string, text: string, replyTo?: string, files?: readonly FileRef[]): void;
  retry(clientMsgId: string): void;
  /** Sends a typing signal if the room is joined on a live socket; says whether it went out. */
  typing(room: string): boolean;
  /** Sends a change to a message (edit, delete, react) or my read marker; false if not joined and online. */
  act(frame: Extract<ClientFrame, { type: 'edit' | 'delete' | 'react' | 'read' }>): boolean;
  /** Whether the room is joined on the live socket. */
  isJoined(room: string): boolean;
}

/** Errors after which a message should simply go out again after the next join. */
const REQUEUE = new Set(['NOT_IN_ROOM']);
/** Errors after which a message goes out again by itself, after `retryAfter` (slow mode is a wait too). */
const WAIT = new Set(['RATE_LIMITED', 'SLOW_MODE']);
/** Refusals the composer explains where the person writes: no notice on top of it. */
const SHOWN_AT_COMPOSER = new Set(['MUTED']);
/** Events about me after which my room list is fetched again. */
const ABOUT_ME = new Set(['member_role', 'member_mute', 'member_unmute']);
/** A lost frame is usually a late one (an ack ahead of a broadcast): wait this long before asking again. */
const LATE_FRAME_GRACE_MS = 400;

export function createSync(store: Store, conn: () => Connection | null, history: History, events: SyncEvents): Sync {
  const joined = new Set<string>();
  /** Joins sent on this socket and not answered yet. */
  const joining = new Set<string>();
  const followed = new Set<string>();
  const catchUp = new Map<string, ReturnType<typeof setTimeout>>();
  const outbox = createOutbox({ store, conn, isJoined: (room) => joined.has(room), limits: DEFAULT_PACER_LIMITS });

  function join(room: string): void {
    if (joining.has(room)) return;
    const after = lastSeq(store.getState(), room);
    const sent = conn()?.send(after === undefined ? { type: 'join', room } : { type: 'join', room, after });
    if (sent === true) joining.add(room);
  }

  function onError(frame: ErrorFrameT): void {
    const pending = store.getState().pending.find((p) => p.clientMsgId === frame.ref);
    const room = pending?.room ?? frame.room;
    if (frame.code === 'MUTED' && room !== undefined && frame.until !== undefined) {
      store.dispatch({ type: 'muted', room, until: frame.until, reason: frame.reason });
    }
    // The list says whether the room is read-only; it was stale if the server refused for it.
    if (frame.code === 'ROOM_READ_ONLY') events.onRoomsChanged();
    if (pending === undefined) {
      if (!SHOWN_AT_COMPOSER.has(frame.code)) events.onError(frame.message);
      return;
    }
    if (WAIT.has(frame.code)) {
      // Not failed: it waits with everything after it, and goes out again by itself.
      outbox.rateLimited(frame.retryAfter ?? 1);
      if (frame.code === 'SLOW_MODE') events.onSlowMode(pending.room, frame.retryAfter ?? 1);
    } else if (REQUEUE.has(frame.code)) {
      // The server says this socket is not in the room. Usually a `left` frame follows (and
      // fails what can no longer be sent); if none comes, join again so the room does not stay
      // silently unjoined until the next reconnect — the message goes out after that join.
      rejoinSoon(pending.room);
    } else {
      const mute = frame.code === 'MUTED' ? store.getState().mutes.get(pending.room) : undefined;
      const why = mute === undefined ? frame.message : mutedText(mute);
      store.dispatch({ type: 'fail', clientMsgId: pending.clientMsgId, error: why });
      if (!SHOWN_AT_COMPOSER.has(frame.code)) events.onError(frame.message);
    }
    outbox.answered(pending.clientMsgId);
  }

  /** After a live frame: if one under it is missing, and still is after a moment, join again with `after`. */
  function checkGap(room: string): void {
    if (!isBehind(store.getState(), room) || catchUp.has(room)) return;
    catchUp.set(
      room,
      setTimeout(() => {
        catchUp.delete(room);
        if (isBehind(store.getState(), room) && joined.has(room)) join(room);
      }, LATE_FRAME_GRACE_MS),
    );
  }

  function rejoinSoon(room: string): void {
    forget(room);
    catchUp.set(
      room,
      setTimeout(() => {
        catchUp.delete(room);
        if (followed.has(room) && !joined.has(room)) join(room);
      }, LATE_FRAME_GRACE_MS),
    );
  }

  function forget(room: string): void {
    joined.delete(room);
    joining.delete(room);
    clearTimeout(catchUp.get(room));
    catchUp.delete(room);
  }

  return {
    handle(frame) {
      switch (frame.type) {
        case 'ready': {
          joined.clear();
          joining.clear();
          // A new socket: nothing of mine is in flight on it (what was, goes again after the join).
          outbox.down();
          store.dispatch({
            type: 'ready',
            user: frame.user,
            ...(frame.limits === undefined ? {} : { limits: frame.limits }),
            ...(frame.roles === undefined ? {} : { roles: frame.roles }),
          });
          if (frame.limits !== undefined) outbox.setLimits(frame.limits);
          for (const room of followed) join(room);
          // Counts may have moved while we were away.
          events.onRoomsChanged();
          return;
        }
        case 'joined':
          joining.delete(frame.room);
          joined.add(frame.room);
          store.dispatch(frame);
          if (!frame.complete) {
            events.onNotice('You missed too many messages while away: history was reloaded. Scroll up for more.');
            void history.reload(frame.room);
          }
          outbox.pump();
          return;
        case 'message': {
          const known = store.getState().rooms.get(frame.message.room)?.messages;
          store.dispatch(frame);
          const me = store.getState().me;
          if (known !== store.getState().rooms.get(frame.message.room)?.messages && frame.message.user.id !== me?.id) {
            events.onLiveMessage(frame.message);
          }
          checkGap(frame.message.room);
          return;
        }
        case 'ack':
          store.dispatch(frame);
          events.onDone();
          outbox.answered(frame.clientMsgId);
          checkGap(frame.message.room);
          return;
        case 'event': {
          store.dispatch(frame);
          const me = store.getState().me;
          if (frame.event.actor.id === me?.id) events.onDone();
          // My room role changed (so may what I may do there), or my mute: the list says it anew.
          const about = 'user' in frame.event ? frame.event.user.id : undefined;
          if (about === me?.id && ABOUT_ME.has(frame.event.kind)) events.onRoomsChanged();
          checkGap(frame.event.room);
          return;
        }
        case 'read': {
          store.dispatch(frame);
          // Where the client cannot count what is left after the marker, the server can.
          const entry = store.getState().directory?.find((r) => r.name === frame.room);
          if ((entry?.unread ?? 0) > 0) events.onRoomsChanged();
          return;
        }
        case 'rooms-changed':
          events.onRoomsChanged();
          return;
        case 'left':
          forget(frame.room);
          if (frame.reason !== undefined) followed.delete(frame.room);
          store.dispatch({ type: 'left', room: frame.room, reason: frame.reason });
          events.onLeft(frame.room, frame.reason, frame.detail);
          return;
        case 'history':
        case 'presence':
          store.dispatch(frame);
          return;
        case 'typing':
          if (frame.user.id !== store.getState().me?.id) events.onTyping(frame.room, frame.user);
          return;
        case 'error':
          // A join refused (the room is gone, or private to others): stop asking for it. The frame
          // names the room; without it (an older server) every pending join is given up.
          if (frame.code === 'ROOM_NOT_FOUND' && frame.ref === 'join') {
            if (frame.room !== undefined) joining.delete(frame.room);
            else for (const room of joining) if (!joined.has(room)) joining.delete(room);
          }
          onError(frame);
          return;
        default:
          return; // pong
      }
    },

    disconnected() {
      for (const room of [...joined, ...joining, ...catchUp.keys()]) forget(room);
      outbox.down();
    },

    follow(rooms) {
      const wanted = new Set(rooms);
      for (const room of [...followed]) {
        if (wanted.has(room)) continue;
        followed.delete(room);
        // Still a member: only stop following it on this socket. Its counts come from the list now.
        if (joined.has(room)) conn()?.send({ type: 'leave', room });
        forget(room);
        store.dispatch({ type: 'forget', room });
      }
      for (const room of wanted) {
        if (followed.has(room)) continue;
        followed.add(room);
        join(room);
      }
    },

    sendText(room, text, replyTo, files) {
      const clientMsgId = crypto.randomUUID();
      const pending: PendingMessage = {
        clientMsgId,
        room,
        text,
        createdAt: new Date().toISOString(),
        status: 'pending',
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(files === undefined || files.length === 0 ? {} : { files }),
      };
      store.dispatch({ type: 'queue', pending });
      // Offline or not joined yet: it waits in the outbox and goes out right after the next join.
      outbox.pump();
    },

    retry(clientMsgId) {
      const p = store.getState().pending.find((x) => x.clientMsgId === clientMsgId);
      if (p === undefined) return;
      store.dispatch({ type: 'retry', clientMsgId });
      outbox.pump();
    },

    typing(room) {
      return joined.has(room) && (conn()?.send({ type: 'typing', room }) ?? false);
    },

    act(frame) {
      return joined.has(frame.room) && (conn()?.send(frame) ?? false);
    },

    isJoined: (room) => joined.has(room),
  };
}
