import { noMetrics, type Metrics } from '../ports/metrics.js';
import { outgoingBatch, type OutgoingFrame } from '../ports/socket.js';
import type { Connection, RoomDelivery } from './connection.js';

/**
 * What one connection gets instead of the room's frame: the sender's ack in place of its own message,
 * or nothing (`frame` undefined: the typist does not get its own typing event).
 */
export interface PersonalFrame {
  connection: Connection;
  frame: OutgoingFrame | undefined;
}

interface RoomEvent {
  frame: OutgoingFrame;
  seq: number | undefined;
  personal: PersonalFrame | undefined;
  /** When the event reached the hub (performance.now()), only when the fan-out is timed; else 0. */
  at: number;
}

/**
 * This node's index of live connections by room and by session. It hands room events to every local
 * connection in the room; it knows nothing about other nodes (the bus does that).
 *
 * Events are gathered for the rest of the current task and written together (a microtask later):
 * when several messages of a room are ready at once — a group commit, a backlog under load — each
 * socket gets them in one write, in order, instead of one write per message. A single event costs
 * no extra copy. The sender's ack travels in the same stream (`personal`), so every socket sees a
 * room's messages and acks in seq order.
 */
export class LocalHub {
  private readonly byRoom = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();
  private pending = new Map<string, RoomEvent[]>();
  private flushScheduled = false;

  constructor(private readonly metrics: Metrics = noMetrics) {}

  addConnection(connection: Connection): void {
    this.all.add(connection);
    addTo(this.bySession, connection.sessionId, connection);
    addTo(this.byUser, connection.user.id, connection);
  }

  removeConnection(connection: Connection): void {
    this.all.delete(connection);
    removeFrom(this.bySession, connection.sessionId, connection);
    removeFrom(this.byUser, connection.user.id, connection);
    for (const room of connection.rooms) removeFrom(this.byRoom, room, connection);
  }

  joinRoom(room: string, connection: Connection): void {
    addTo(this.byRoom, room, connection);
  }

  leaveRoom(room: string, connection: Connection): void {
    removeFrom(this.byRoom, room, connection);
  }

  /** Queues a room event for every connection in the room (`personal` swaps one connection's copy). */
  broadcast(room: string, frame: OutgoingFrame, seq: number | undefined, personal?: PersonalFrame): void {
    let events = this.pending.get(room);
    if (!events) this.pending.set(room, (events = []));
    events.push({ frame, seq, personal, at: this.metrics.timesFanOut ? performance.now() : 0 });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes every queued event now (before a join answers, at shutdown, and on the microtask). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    for (const [room, events] of pending) this.deliverAll(room, events);
  }

  /** A frame for every live socket of one user on this node (not ordered with room events). */
  sendToUser(userId: string, frame: OutgoingFrame): void {
    for (const connection of this.byUser.get(userId) ?? []) connection.sendFrame(frame);
  }

  connectionsOfUser(userId: string): Connection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  connectionsOfSession(sessionId: string): Connection[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  countOfUser(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  connections(): Connection[] {
    return [...this.all];
  }

  get size(): number {
    return this.all.size;
  }

  private deliverAll(room: string, events: RoomEvent[]): void {
    const members = this.byRoom.get(room) ?? new Set<Connection>();
    const personal = new Set<Connection>();
    for (const event of events) if (event.personal) personal.add(event.personal.connection);
    // Senders first: their acks go out before the long write loop over the room, not after it.
    for (const connection of personal) this.deliverPersonal(room, connection, events, members.has(connection));
    // Everyone else gets the same frames: one shared batch when there are several.
    const shared = events.length === 1 ? events[0]!.frame : outgoingBatch(events.map((event) => event.frame));
    if (personal.size === 0) {
      for (const connection of members) connection.deliver(room, shared, events);
    } else {
      for (const connection of members) if (!personal.has(connection)) connection.deliver(room, shared, events);
    }
    this.count(events, members.size);
  }

  /**
   * Once per room flush, never per socket: the durable events (with a seq) times the sockets of the
   * room, and the wait of the oldest event (the first) until the last write.
   */
  private count(events: RoomEvent[], sockets: number): void {
    let durable = 0;
    for (const event of events) if (event.seq !== undefined) durable++;
    if (durable > 0 && sockets > 0) this.metrics.deliveries(durable * sockets);
    if (this.metrics.timesFanOut) this.metrics.fanOutSeconds((performance.now() - events[0]!.at) / 1000);
  }

  /** A connection with its own copy of some events: its ack for its message, or nothing for its typing. */
  private deliverPersonal(room: string, connection: Connection, events: RoomEvent[], isMember: boolean): void {
    if (!isMember) {
      // A sender that left the room meanwhile still gets its ack, and nothing else of the room.
      for (const event of events) {
        if (event.personal?.connection === connection && event.personal.frame)
          connection.sendFrame(event.personal.frame);
      }
      return;
    }
    const own: RoomDelivery[] = [];
    for (const event of events) {
      if (event.personal?.connection !== connection) own.push(event);
      else if (event.personal.frame) own.push({ frame: event.personal.frame, seq: event.seq });
    }
    if (own.length === 0) return;
    connection.deliver(room, own.length === 1 ? own[0]!.frame : outgoingBatch(own.map((event) => event.frame)), own);
  }
}

function addTo(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) index.delete(key);
}
