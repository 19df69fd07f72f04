import { CloseCodes, type ServerFrame, type User } from '../../../protocol/index.js';
import { outgoingFrame, type OutgoingFrame, type SocketLike } from '../ports/socket.js';
import { encodeFrame } from './events.js';

/** One room event: its frame for this connection, and its seq (none for presence and typing). */
export interface RoomDelivery {
  readonly frame: OutgoingFrame;
  readonly seq: number | undefined;
}

/**
 * One live socket's state: who it is, which rooms it is in, a bounded queue of frames waiting to be
 * handled, and a bounded outgoing queue.
 *
 * Once closed — by the server (revocation, slow consumer, limits, shutdown) or by the peer — a
 * connection accepts nothing more: frames still waiting are dropped, nothing is written, and its
 * `ended` listener runs once, at once, so the core takes it out of every room without waiting for
 * the transport's close handshake (a client may ignore the close frame).
 *
 * While a join is in progress the room's live events are held back and released after the
 * `joined` frame, minus what `joined` already carried, so a client sees no gap and no duplicate.
 * The transport's own buffer is the queue; when it passes `maxBufferedBytes` the consumer is too
 * slow and is closed with 4408 so it reconnects and resumes by seq instead of losing messages.
 */
export class Connection {
  readonly rooms = new Set<string>();
  private readonly joining = new Map<string, RoomDelivery[]>();
  private readonly lastTypingAt = new Map<string, number>();
  private work: Promise<void> = Promise.resolve();
  private waiting = 0;
  private violations: number[] = [];
  private closed = false;
  /** The close code we sent, or undefined when the peer (or the link) ended the connection. */
  private closedWith: number | undefined;
  private onEnded: (() => void) | undefined;

  /**
   * `maxQueuedFrames`: frames that may wait behind the one being handled; one more closes the
   * socket with 4429 (the client sends faster than this node can answer it).
   */
  constructor(
    readonly id: string,
    readonly user: User,
    readonly sessionId: string,
    private readonly socket: SocketLike,
    private readonly maxBufferedBytes: number,
    private readonly maxQueuedFrames = Number.POSITIVE_INFINITY,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.socket.isOpen;
  }

  /** Bytes written to the socket and not yet sent. */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** The code we closed the connection with; undefined while open and when the peer ended it. */
  get closeCode(): number | undefined {
    return this.closedWith;
  }

  /** Called once when the connection ends, whoever ended it. */
  whenEnded(listener: () => void): void {
    this.onEnded = listener;
  }

  /**
   * Runs a client's frames one after another, so they take effect in the order it sent them.
   * Nothing is queued once the connection is closed, and what was waiting then is dropped.
   */
  enqueue(task: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.waiting >= this.maxQueuedFrames) {
      this.close(CloseCodes.TOO_MANY_VIOLATIONS, 'too many frames waiting');
      return Promise.resolve();
    }
    this.waiting++;
    const run = () => {
      this.waiting--;
      return this.closed ? Promise.resolve() : task();
    };
    return this.chain(run);
  }

  /** Runs after the frame in progress, even once closed: the clean-up when a connection ends. */
  afterWork(task: () => Promise<void>): Promise<void> {
    return this.chain(task);
  }

  send(frame: ServerFrame): void {
    if (this.closed) return; // not even encoded
    this.write(outgoingFrame(encodeFrame(frame)));
  }

  /** Frames encoded elsewhere (an ack that travelled with its room's events). */
  sendFrame(frame: OutgoingFrame): void {
    this.write(frame);
  }

  /**
   * Room events from the hub: `frame` carries all of `events` (usually the same object for every
   * recipient); `events` one by one are what a join in progress holds back.
   */
  deliver(room: string, frame: OutgoingFrame, events: readonly RoomDelivery[]): void {
    // Joins are rare and brief: the common case skips the map lookup.
    const held = this.joining.size === 0 ? undefined : this.joining.get(room);
    if (held) held.push(...events);
    else if (this.rooms.has(room)) this.write(frame);
  }

  beginJoin(room: string): void {
    this.rooms.add(room);
    this.joining.set(room, []);
  }

  /** Sends `joined`, then whatever arrived meanwhile that `joined` did not already cover. */
  finishJoin(room: string, joined: ServerFrame, coveredUpToSeq: number): void {
    // Taken out of the room while the join was being answered (removed, say): nothing to send.
    if (!this.rooms.has(room)) return;
    const held = this.joining.get(room) ?? [];
    this.joining.delete(room);
    this.send(joined);
    for (const item of held) {
      if (item.seq === undefined || item.seq > coveredUpToSeq) this.write(item.frame);
    }
  }

  leave(room: string): void {
    this.rooms.delete(room);
    this.joining.delete(room);
    this.lastTypingAt.delete(room);
  }

  /** True when a typing event from this socket in this room may go out now (at most one per interval). */
  allowTyping(room: string, now: number, intervalMs: number): boolean {
    const last = this.lastTypingAt.get(room) ?? -Infinity;
    if (now - last < intervalMs) return false;
    this.lastTypingAt.set(room, now);
    return true;
  }

  /** Records a rate-limit violation; answers how many happened in the last minute. */
  countViolation(now: number): number {
    this.violations = this.violations.filter((at) => now - at < 60_000);
    this.violations.push(now);
    return this.violations.length;
  }

  /** Ends the connection from our side; the transport ends the link if the client does not. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWith = code;
    this.socket.close(code, reason);
    this.onEnded?.();
  }

  /** The transport says the socket is gone (the peer closed, or the link broke). */
  socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEnded?.();
  }

  private chain(task: () => Promise<void>): Promise<void> {
    const next = this.work.then(task, task);
    this.work = next.catch(() => undefined);
    return next;
  }

  private write(frame: OutgoingFrame): void {
    if (this.closed) return;
    if (this.socket.send(frame, this.maxBufferedBytes) === 'full') {
      this.close(CloseCodes.SLOW_CONSUMER, 'slow consumer: reconnect and resume');
    }
  }
}
