import type { OutgoingFrame } from '../ports/socket.js';
import type { PersonalFrame } from './local-hub.js';

export type Deliver = (room: string, frame: OutgoingFrame, seq: number | undefined, personal?: PersonalFrame) => void;

interface Held {
  frame: OutgoingFrame;
  personal: PersonalFrame | undefined;
}

interface RoomState {
  /** The seq this node hands out next in this room. */
  next: number;
  held: Map<number, Held>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Puts each room's messages back in seq order before this node hands them to its sockets.
 *
 * With several nodes, a node delivers its own senders' messages at once and other nodes' messages
 * after a bus hop, so seq n+1 (stored here) can be ready before seq n (stored a moment earlier on
 * another node). A message that arrives ahead of a gap is held until the gap fills, for at most
 * `holdMs`; then the held messages go out in order, and clients fetch the missing seq from the store
 * as for any gap (a lost bus event). A message below the room's next seq (one that came after its
 * gap was given up) goes out at once: clients keep messages by seq. Events without a seq
 * (presence, typing) are not ordered. On one node seqs arrive in order and nothing is ever held.
 */
export class RoomOrder {
  private readonly rooms = new Map<string, RoomState>();

  constructor(
    private readonly deliver: Deliver,
    private readonly holdMs: number,
  ) {}

  push(room: string, frame: OutgoingFrame, seq: number | undefined, personal?: PersonalFrame): void {
    if (seq === undefined) return this.deliver(room, frame, undefined, personal);
    const state = this.rooms.get(room);
    if (!state) {
      // The first message this node sees in the room: nothing earlier to wait for.
      this.rooms.set(room, { next: seq + 1, held: new Map(), timer: undefined });
      return this.deliver(room, frame, seq, personal);
    }
    if (seq < state.next) return this.deliver(room, frame, seq, personal);
    if (seq > state.next) {
      state.held.set(seq, { frame, personal });
      state.timer ??= this.startTimer(room);
      return;
    }
    this.deliver(room, frame, seq, personal);
    state.next = seq + 1;
    if (state.held.size > 0) this.release(room, state);
  }

  /** How many messages wait for a gap to fill, in every room (for tests and metrics). */
  get heldCount(): number {
    let count = 0;
    for (const state of this.rooms.values()) count += state.held.size;
    return count;
  }

  /** Delivers everything held, in order, and stops the timers (shutdown). */
  flushAll(): void {
    for (const [room, state] of this.rooms) {
      while (state.held.size > 0) this.skipGap(room, state);
    }
  }

  /** Hands out the run of consecutive held seqs that starts at `next`. */
  private release(room: string, state: RoomState): void {
    for (let item = state.held.get(state.next); item; item = state.held.get(state.next)) {
      state.held.delete(state.next);
      this.deliver(room, item.frame, state.next, item.personal);
      state.next++;
    }
    if (state.held.size === 0 && state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  /** Gives up on the lowest gap: moves `next` to the lowest held seq and releases from there. */
  private skipGap(room: string, state: RoomState): void {
    state.next = Math.min(...state.held.keys());
    this.release(room, state);
  }

  private startTimer(room: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const state = this.rooms.get(room);
      if (!state) return;
      state.timer = undefined;
      if (state.held.size > 0) this.skipGap(room, state);
      // A further gap above the one given up gets its own wait.
      if (state.held.size > 0) state.timer = this.startTimer(room);
    }, this.holdMs);
    timer.unref?.();
    return timer;
  }
}
