import { CloseCodes, type ServerFrame, type User } from '../../../protocol/index.js';
import { outgoingFrame, type OutgoingFrame, type SocketLike } from '../ports/socket.js';
import { encodeFrame } from './events.js';

/** One room event: its frame for this connection, and its seq (none for presence and typing). */
export interface RoomDelivery {
  readonly frame: OutgoingFrame;
  readonly seq: number | undefined;
}

/**
 * One live socket's state: who it is, which rooms it is in, and a bounded outgoing queue.
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
  private violations: number[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    readonly user: User,
    readonly sessionId: string,
    private readonly socket: SocketLike,
    private readonly maxBufferedBytes: number,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.socket.isOpen;
  }

  /** Runs tasks one after another, so a client's frames take effect in the order it sent them. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.work.then(task, task);
    this.work = next.catch(() => undefined);
    return next;
  }

  send(frame: ServerFrame): void {
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

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  private write(frame: OutgoingFrame): void {
    if (this.closed) return;
    if (this.socket.send(frame, this.maxBufferedBytes) === 'full') {
      this.close(CloseCodes.SLOW_CONSUMER, 'slow consumer: reconnect and resume');
    }
  }
}
