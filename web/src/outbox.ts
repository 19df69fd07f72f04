/**
 * Sends my pending messages, in the order I wrote them, one at a time, at the pace the server
 * allows. The server stores messages in the order they arrive and may refuse one for its rate
 * limit, so a later message must never be on the wire while an earlier one may still be refused:
 * the next one goes only once the previous one is answered (its `ack`, or an error). Between sends
 * the pacer (outbox-pacer.ts) keeps within the advertised allowance; a `RATE_LIMITED` answer puts
 * the message back to waiting (not failed) and holds the whole outbox for `retryAfter`. Every
 * retry carries the message's original clientMsgId, so the server never stores it twice.
 */
import type { ClientFrame } from '../../protocol/frames.js';
import type { Connection } from './connection.js';
import { createOutboxPacer, type PacerLimits } from './outbox-pacer.js';
import type { PendingMessage } from './state.js';
import type { Store } from './store.js';

export interface Outbox {
  /** Send the next message if one may go now, or plan to when it may. */
  pump(): void;
  /** The server's allowance (from `ready.limits`). */
  setLimits(limits: PacerLimits): void;
  /**
   * The message in flight was answered (an `ack`, or an error the store has already applied): the
   * next one may go.
   */
  answered(clientMsgId: string): void;
  /** The server refused a message for its rate: nothing goes out for `retryAfterSeconds`. */
  rateLimited(retryAfterSeconds: number): void;
  /** The socket went down: nothing is in flight any more (unanswered messages go again, same id). */
  down(): void;
}

export interface OutboxDeps {
  store: Store;
  conn: () => Connection | null;
  /** Whether the room is joined on the live socket: only then may its messages go. */
  isJoined: (room: string) => boolean;
  limits: PacerLimits;
  now?: () => number;
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const now = deps.now ?? (() => Date.now());
  const pacer = createOutboxPacer(deps.limits, now());
  /** The clientMsgId sent on this socket and not answered yet. */
  let inFlight: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function next(): PendingMessage | undefined {
    return deps.store.getState().pending.find((p) => p.status === 'pending' && deps.isJoined(p.room));
  }

  function send(c: Connection, p: PendingMessage): boolean {
    const frame: ClientFrame = { type: 'send', room: p.room, text: p.text, clientMsgId: p.clientMsgId };
    if (p.replyTo !== undefined) frame.replyTo = p.replyTo;
    if (p.files !== undefined && p.files.length > 0) frame.files = p.files.map((f) => f.id);
    return c.send(frame);
  }

  function pump(): void {
    clearTimeout(timer);
    timer = undefined;
    if (inFlight !== null) return;
    const c = deps.conn();
    const p = next();
    if (c === null || p === undefined) return;
    const wait = pacer.wait(now());
    if (wait > 0) {
      timer = setTimeout(pump, wait);
      return;
    }
    if (!send(c, p)) return; // the socket is not up: the next `joined` pumps again
    pacer.sent(now());
    inFlight = p.clientMsgId;
  }

  /** The message in flight was answered: the next one may go. */
  function answered(clientMsgId: string): void {
    if (inFlight !== clientMsgId) return;
    inFlight = null;
    pump();
  }

  return {
    pump,
    setLimits(limits) {
      pacer.setLimits(limits, now());
    },
    answered,
    rateLimited(retryAfterSeconds) {
      pacer.refused(retryAfterSeconds, now());
    },
    down() {
      clearTimeout(timer);
      timer = undefined;
      inFlight = null;
    },
  };
}
