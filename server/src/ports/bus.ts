/**
 * The Bus port: fan-out of events between nodes. Adapters: in-memory (one process), Redis pub/sub (many nodes).
 *
 * Guarantees: at-most-once, best effort. An event may be lost (e.g. during a broker outage); the
 * Store's per-room seq stays the source of truth and clients fill gaps from history. Every envelope
 * carries the publishing node's id, and a node drops its own envelopes (it has already delivered
 * them locally), so local delivery never depends on the bus.
 */
export type BusEvent =
  /**
   * A serialized server frame for every local socket in `room`. `seq` is set for messages and room
   * events. `evict`: after it, that user's sockets stop following the room (removed, kicked or
   * banned, or left on another device) and are told why with a `left` frame (`detail`: the
   * moderator's reason, when they gave one).
   */
  | {
      kind: 'room';
      room: string;
      payload: string;
      seq?: number;
      exceptConnection?: string;
      evict?: { userId: string; reason: 'left' | 'removed' | 'kicked' | 'banned'; detail?: string };
    }
  /** A serialized server frame for every local socket of one user (read markers, room list changes). */
  | { kind: 'user'; userId: string; payload: string }
  /** Close every live socket of these sessions (revocation). */
  | { kind: 'sessions-ended'; sessionIds: string[] }
  /**
   * An admin suspended this user: every live socket of theirs closes with 4403 (stop, do not
   * reconnect), and these sessions, revoked in the store, are forgotten. Sent instead of
   * `sessions-ended` for them, so no node closes them with 4401 (refresh and reconnect) first.
   */
  | { kind: 'user-suspended'; userId: string; sessionIds: string[] }
  /**
   * The authorization rules changed in the store: reload them (core/authz/bus-watcher.ts). Carries
   * nothing else; a lost one is caught by the periodic reload.
   */
  | { kind: 'authz-changed' };

/** The events that carry frames for sockets (FanOut's business). */
export type DeliveryEvent = Extract<BusEvent, { kind: 'room' | 'user' }>;

export interface BusEnvelope {
  nodeId: string;
  event: BusEvent;
}

export interface Bus {
  publish(envelope: BusEnvelope): Promise<void>;
  /** The handler sees every envelope, including the node's own; callers drop their own. */
  subscribe(handler: (envelope: BusEnvelope) => void): () => void;
  close(): Promise<void>;
}
