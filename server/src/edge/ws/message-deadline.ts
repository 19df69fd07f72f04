import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The parts of `ws`'s Receiver that tell whether a message is half-way in (ws is pinned exactly). */
interface ReceiverInternals {
  _state?: unknown;
  _bufferedBytes?: unknown;
  _fragmented?: unknown;
  _fragments?: unknown;
}

/** `ws`'s Receiver state between frames. */
const GET_INFO = 0;

/**
 * Bounds how long one incoming message may take to arrive. `ws` bounds a message's size but not its
 * time, and pongs keep a socket alive: a client could trickle one-byte fragments of a message that
 * never ends, answering every ping, and hold its socket and buffers forever. A message counts from
 * the first of its bytes seen after the previous message completed; `expired()` is true once one has
 * been arriving for longer than `timeoutMs`. Checked whenever bytes arrive and at every heartbeat.
 *
 * Reads `ws`'s Receiver state; on a `ws` whose internals differ it watches nothing (and the
 * heartbeat and `maxPayload` still apply).
 */
export class MessageDeadline {
  private startedAt: number | undefined;
  private readonly receiver: ReceiverInternals | undefined;

  constructor(
    ws: WebSocket,
    private readonly timeoutMs: number,
    private readonly onExpired: () => void,
  ) {
    const internals = ws as unknown as { _receiver?: ReceiverInternals; _socket?: Socket };
    const receiver = internals._receiver;
    const socket = internals._socket;
    const readable =
      receiver !== undefined &&
      typeof receiver._state === 'number' &&
      typeof receiver._bufferedBytes === 'number' &&
      typeof receiver._fragmented === 'number' &&
      Array.isArray(receiver._fragments);
    this.receiver = readable ? receiver : undefined;
    // ws's own 'data' listener was attached first, so by now it has parsed the chunk.
    if (this.receiver && socket) socket.on('data', () => this.check(Date.now()));
  }

  /** A whole message arrived: the next one starts its own clock. */
  messageCompleted(): void {
    this.startedAt = undefined;
  }

  check(now: number): void {
    if (!this.inProgress()) {
      this.startedAt = undefined;
      return;
    }
    this.startedAt ??= now;
    if (now - this.startedAt > this.timeoutMs) this.onExpired();
  }

  private inProgress(): boolean {
    const r = this.receiver;
    if (!r) return false;
    return (
      r._state !== GET_INFO ||
      (r._bufferedBytes as number) > 0 ||
      (r._fragmented as number) !== 0 ||
      (r._fragments as unknown[]).length > 0
    );
  }
}
