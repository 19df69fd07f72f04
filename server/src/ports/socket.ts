/**
 * One event's bytes, shared by every recipient of it. `wire` belongs to the transport: it may keep
 * there the framed form of `bytes`, made by the first socket that sends it and reused by the rest,
 * so a broadcast to N sockets frames its bytes once, not N times.
 */
export interface OutgoingFrame {
  readonly bytes: Uint8Array;
  wire?: unknown;
}

/** A frame for one recipient or many. `wire` starts present, so every frame object has one shape. */
export function outgoingFrame(bytes: Uint8Array): OutgoingFrame {
  return { bytes, wire: undefined };
}

/**
 * The tiny socket the core talks to, whatever the transport. `send` takes ready-made bytes so one
 * serialized event can be written to every recipient without re-encoding.
 */
export interface SocketLike {
  send(frame: OutgoingFrame): void;
  close(code: number, reason: string): void;
  /** Bytes queued in the transport and not yet written to the network. */
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}
