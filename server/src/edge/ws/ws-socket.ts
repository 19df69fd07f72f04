import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { OutgoingFrame, SendOutcome, SocketLike } from '../../ports/socket.js';
import { textFrames } from './text-frame.js';

/** One options object for every send: the hot path allocates nothing per recipient for it. */
const AS_TEXT = { binary: false } as const;

/** The parts of `ws` internals the direct write relies on; checked once per socket, see below. */
interface WsInternals {
  _socket?: Socket;
  _sender?: { _state?: unknown };
}

/** `ws`'s Sender state when nothing is queued in it (no compression or Blob read in progress). */
const SENDER_IDLE = 0;

/**
 * The core's socket port over a `ws` WebSocket. Bytes go out as text frames, unchanged.
 *
 * A broadcast frames its bytes once (`textFrame`, kept in `frame.wire`) and writes that one buffer
 * to every socket: one `write` per recipient instead of `ws`'s header + payload pair (a cork, two
 * writes and a `writev`); a batch of messages is one buffer of consecutive frames, one `write`. That is only the same bytes `ws` would write when no extension transforms
 * frames (we never negotiate permessage-deflate) and its Sender has nothing queued — otherwise, and
 * on a `ws` whose internals are not the ones checked here, it falls back to `ws.send`.
 */
export function wsSocket(ws: WebSocket): SocketLike {
  const internals = ws as unknown as WsInternals;
  const raw = internals._socket;
  const sender = internals._sender;
  const direct = ws.extensions === '' && typeof raw?.write === 'function' && typeof sender?._state === 'number';
  return {
    send(frame: OutgoingFrame, maxBufferedBytes: number): SendOutcome {
      if (ws.readyState !== WebSocket.OPEN) return 'closed';
      if (ws.bufferedAmount + frame.byteLength > maxBufferedBytes) return 'full';
      if (direct && sender._state === SENDER_IDLE) {
        raw.write((frame.wire ??= textFrames(frame.parts)) as Buffer);
      } else {
        for (const part of frame.parts) ws.send(part, AS_TEXT);
      }
      return 'sent';
    },
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
  };
}
