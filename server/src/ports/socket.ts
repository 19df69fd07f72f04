/**
 * One or more whole messages, in order, shared by every recipient. `parts` are the payloads, one
 * WebSocket message each; `byteLength` is their sum. `wire` belongs to the transport: it may keep
 * there the framed form of `parts`, made by the first socket that sends it and reused by the rest,
 * so a broadcast to N sockets frames its bytes once, not N times.
 */
export interface OutgoingFrame {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  wire?: unknown;
}

/** One message. `wire` starts present, so every frame object has one shape. */
export function outgoingFrame(bytes: Uint8Array): OutgoingFrame {
  return { parts: [bytes], byteLength: bytes.byteLength, wire: undefined };
}

/** Several messages that go to the same sockets, to be written together, in this order. */
export function outgoingBatch(frames: readonly OutgoingFrame[]): OutgoingFrame {
  const parts = frames.flatMap((frame) => frame.parts);
  return { parts, byteLength: frames.reduce((sum, frame) => sum + frame.byteLength, 0), wire: undefined };
}

/** What became of a send: written (or queued in the transport), refused as over the limit, or the socket is closed. */
export type SendOutcome = 'sent' | 'full' | 'closed';

/**
 * The tiny socket the core talks to, whatever the transport. `send` takes ready-made bytes so one
 * serialized event can be written to every recipient without re-encoding.
 */
export interface SocketLike {
  /**
   * Writes the frame unless the socket is closed, or unless the bytes it already holds plus this
   * frame would pass `maxBufferedBytes` ('full': nothing is written, the caller decides). One call
   * per recipient on the hot path, so the checks live here with the transport's own counters.
   */
  send(frame: OutgoingFrame, maxBufferedBytes: number): SendOutcome;
  close(code: number, reason: string): void;
  /** Bytes queued in the transport and not yet written to the network. */
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}
