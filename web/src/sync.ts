/**
 * Keeps the local state in step with the server: joins on every `ready`, resumes after the last
 * seq we hold, reloads when the server says the replay was cut short, and (re)sends my pending
 * messages with their original clientMsgId, so a retry is never a duplicate.
 */
import { Limits } from '../../protocol/limits.js';
import type { ErrorFrameT, ServerFrame } from '../../protocol/frames.js';
import { ApiError, roomMessages } from './api.js';
import type { Connection } from './connection.js';
import { lastSeq } from './state.js';
import type { Store } from './store.js';

export interface SyncEvents {
  /** A human-readable notice (errors from the server, failed loads). */
  onNotice(text: string): void;
  /** The HTTP API refused our token. */
  onAuthFailure(): void;
}

export interface Sync {
  handle(frame: ServerFrame): void;
  sendText(room: string, text: string): void;
  retry(clientMsgId: string): void;
  loadOlder(room: string): Promise<void>;
}

export function createSync(
  store: Store,
  conn: () => Connection | null,
  rooms: readonly string[],
  events: SyncEvents,
): Sync {
  const loading = new Set<string>();

  function flushPending(room: string): void {
    const c = conn();
    if (c === null) return;
    for (const p of store.getState().pending) {
      if (p.room !== room || p.status !== 'pending') continue;
      if (!c.send({ type: 'send', room, text: p.text, clientMsgId: p.clientMsgId })) return;
    }
  }

  function onError(frame: ErrorFrameT): void {
    const pending = store.getState().pending.find((p) => p.clientMsgId === frame.ref);
    if (pending) store.dispatch({ type: 'fail', clientMsgId: pending.clientMsgId, error: frame.message });
    events.onNotice(frame.message);
  }

  async function reload(room: string): Promise<void> {
    try {
      const page = await roomMessages(room, undefined, Limits.JOIN_BACKLOG);
      store.dispatch({ type: 'reload', room, ...page });
    } catch (err) {
      failed(err);
    }
  }

  function failed(err: unknown): void {
    if (err instanceof ApiError && err.isAuthFailure) return events.onAuthFailure();
    events.onNotice(err instanceof Error ? err.message : 'Loading history failed.');
  }

  return {
    handle(frame) {
      switch (frame.type) {
        case 'ready': {
          store.dispatch({ type: 'ready', user: frame.user });
          for (const room of rooms) {
            const after = lastSeq(store.getState(), room);
            conn()?.send(after === undefined ? { type: 'join', room } : { type: 'join', room, after });
          }
          return;
        }
        case 'joined':
          store.dispatch(frame);
          if (!frame.complete) void reload(frame.room);
          flushPending(frame.room);
          return;
        case 'message':
        case 'ack':
        case 'presence':
          store.dispatch(frame);
          return;
        case 'history':
          store.dispatch(frame);
          return;
        case 'error':
          onError(frame);
          return;
        default:
          return; // pong, typing, left: nothing to keep yet
      }
    },

    sendText(room, text) {
      const clientMsgId = crypto.randomUUID();
      store.dispatch({
        type: 'queue',
        pending: { clientMsgId, room, text, createdAt: new Date().toISOString(), status: 'pending' },
      });
      // If the socket is down, the message waits and goes out right after the next join.
      conn()?.send({ type: 'send', room, text, clientMsgId });
    },

    retry(clientMsgId) {
      const p = store.getState().pending.find((x) => x.clientMsgId === clientMsgId);
      if (p === undefined) return;
      store.dispatch({ type: 'retry', clientMsgId });
      conn()?.send({ type: 'send', room: p.room, text: p.text, clientMsgId });
    },

    async loadOlder(room) {
      const first = store.getState().rooms.get(room)?.messages[0];
      if (first === undefined || loading.has(room)) return;
      loading.add(room);
      try {
        const page = await roomMessages(room, first.seq, 50);
        store.dispatch({ type: 'history', room, ...page });
      } catch (err) {
        failed(err);
      } finally {
        loading.delete(room);
      }
    },
  };
}
