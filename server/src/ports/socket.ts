/**
 * The tiny socket the core talks to, whatever the transport. `send` takes ready-made bytes so one
 * serialized event can be written to every recipient without re-encoding.
 */
export interface SocketLike {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued in the transport and not yet written to the network. */
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}
