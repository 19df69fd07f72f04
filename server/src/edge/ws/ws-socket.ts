import { WebSocket } from 'ws';
import type { SocketLike } from '../../ports/socket.js';

/** One options object for every send: the hot path allocates nothing per recipient for it. */
const AS_TEXT = { binary: false } as const;

/** The core's socket port over a `ws` WebSocket. Bytes go out as text frames, unchanged. */
export function wsSocket(ws: WebSocket): SocketLike {
  return {
    send: (data) => ws.send(data, AS_TEXT),
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
  };
}
