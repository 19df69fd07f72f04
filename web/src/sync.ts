/**
 * Keeps the local state in step with the server: joins on every `ready`, resumes after the last
 * seq we hold, reloads when the server says the replay was cut short, and sends my outbox with
 * each message's original clientMsgId — only once the room is joined on this very socket — so a
 * retry is never a duplicate and nothing typed offline is lost.
 */
import type { ErrorFrameT, Message, ServerFrame, User } from '../../protocol/frames.js';
import type { Connection } from './connection.js';
import type { History } from './history.js';
import { lastSeq } from './state.js';
import type { Store } from './store.js';

export interface SyncEvents {
  /** A human-readable notice (errors from the server, reloaded history). */
  onNotice(text: string): void;
  /** Someone else's message arrived live (not from history). */
  onLiveMessage(message: Message): void;
  onTyping(room: string, user: User): void;
}

export interface Sync {
  handle(frame: ServerFrame): void;
  /** The socket went down: nothing is joined any more. */
  disconnected(): void;
  sendText(room: string, text: string): void;
  retry(clientMsgId: string): void;
  /** Sends a typing signal if the room is joined on a live socket; says whether it went out. */
  typing(room: string): boolean;
}

/** Errors after which a message should simply go out again after the next join. */
const REQUEUE = new Set(['NOT_IN_ROOM']);

export function createSync(
  store: Store,
  conn: () => Connection | null,
  history: History,
  rooms: readonly string[],
  events: SyncEvents,
): Sync {
  const joined = new Set<string>();

  function flush(room: string): void {
    const c = conn();
    if (c === null || !joined.has(room)) return;
    for (const p of store.getState().pending) {
      if (p.room !== room || p.status !== 'pending') continue;
      if (!c.send({ type: 'send', room, text: p.text, clientMsgId: p.clientMsgId })) return;
    }
  }

  function onError(frame: ErrorFrameT): void {
    const pending = store.getState().pending.find((p) => p.clientMsgId === frame.ref);
    if (pending && REQUEUE.has(frame.code)) return; // flushed again after the next join
    if (pending) store.dispatch({ type: 'fail', clientMsgId: pending.clientMsgId, error: frame.message });
    events.onNotice(frame.message);
  }

  function afterNews(room: string): void {
    void history.fillGaps(room);
  }

  return {
    handle(frame) {
      switch (frame.type) {
        case 'ready': {
          joined.clear();
          store.dispatch({ type: 'ready', user: frame.user });
          for (const room of rooms) {
            const after = lastSeq(store.getState(), room);
            conn()?.send(after === undefined ? { type: 'join', room } : { type: 'join', room, after });
          }
          return;
        }
        case 'joined':
          joined.add(frame.room);
          store.dispatch(frame);
          if (!frame.complete) {
            events.onNotice('You missed too many messages while away: history was reloaded. Scroll up for more.');
            void history.reload(frame.room);
          } else afterNews(frame.room);
          flush(frame.room);
          return;
        case 'message': {
          const known = store.getState().rooms.get(frame.message.room)?.messages;
          store.dispatch(frame);
          const me = store.getState().me;
          if (known !== store.getState().rooms.get(frame.message.room)?.messages && frame.message.user.id !== me?.id) {
            events.onLiveMessage(frame.message);
          }
          afterNews(frame.message.room);
          return;
        }
        case 'ack':
          store.dispatch(frame);
          afterNews(frame.message.room);
          return;
        case 'history':
        case 'presence':
          store.dispatch(frame);
          return;
        case 'typing':
          if (frame.user.id !== store.getState().me?.id) events.onTyping(frame.room, frame.user);
          return;
        case 'error':
          onError(frame);
          return;
        default:
          return; // pong, left
      }
    },

    disconnected() {
      joined.clear();
    },

    sendText(room, text) {
      const clientMsgId = crypto.randomUUID();
      store.dispatch({
        type: 'queue',
        pending: { clientMsgId, room, text, createdAt: new Date().toISOString(), status: 'pending' },
      });
      // Offline or not joined yet: it waits in the outbox and goes out right after the next join.
      if (joined.has(room)) conn()?.send({ type: 'send', room, text, clientMsgId });
    },

    retry(clientMsgId) {
      const p = store.getState().pending.find((x) => x.clientMsgId === clientMsgId);
      if (p === undefined) return;
      store.dispatch({ type: 'retry', clientMsgId });
      if (joined.has(p.room)) conn()?.send({ type: 'send', room: p.room, text: p.text, clientMsgId });
    },

    typing(room) {
      return joined.has(room) && (conn()?.send({ type: 'typing', room }) ?? false);
    },
  };
}
