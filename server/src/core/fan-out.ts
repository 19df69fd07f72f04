import type { Bus, BusEvent, DeliveryEvent } from '../ports/bus.js';
import type { Logger } from '../ports/logger.js';
import { outgoingFrame } from '../ports/socket.js';
import { encodeText } from './events.js';
import type { LocalHub, PersonalFrame } from './local-hub.js';
import { RoomOrder } from './room-order.js';

/**
 * Delivers a room event on this node at once, then tells the other nodes through the bus. Local
 * delivery never waits on, or fails with, the bus: a lost bus event is repaired by clients from the
 * store's seq. Messages from here and from the bus meet in one RoomOrder, so this node's sockets get
 * each room's messages in seq order.
 */
type RoomBusEvent = Extract<BusEvent, { kind: 'room' }>;
export type Eviction = NonNullable<RoomBusEvent['evict']>;

export class FanOut {
  private readonly order: RoomOrder;
  /** Set by the core: takes a user's sockets on this node out of a room. */
  onEvict: (room: string, evict: Eviction) => void = () => undefined;

  constructor(
    private readonly hub: LocalHub,
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly logger: Logger,
    reorderHoldMs: number,
  ) {
    this.order = new RoomOrder(
      (room, frame, seq, personal) => hub.broadcast(room, frame, seq, personal),
      reorderHoldMs,
    );
  }

  /**
   * `personal` replaces one connection's copy (the sender gets its ack in place of the message), in
   * the same ordered stream as everyone else's.
   */
  room(room: string, payload: string, seq?: number, personal?: PersonalFrame, evict?: Eviction): void {
    this.order.push(room, outgoingFrame(encodeText(payload)), seq, personal);
    if (evict) this.onEvict(room, evict);
    const event: RoomBusEvent = { kind: 'room', room, payload };
    if (seq !== undefined) event.seq = seq;
    if (evict) event.evict = evict;
    this.publish(event, room);
  }

  /** A frame for every socket of one user, on every node. */
  user(userId: string, payload: string): void {
    this.hub.sendToUser(userId, outgoingFrame(encodeText(payload)));
    this.publish({ kind: 'user', userId, payload }, undefined);
  }

  /** A room or user event another node published. */
  fromBus(event: DeliveryEvent): void {
    if (event.kind === 'user') {
      this.hub.sendToUser(event.userId, outgoingFrame(encodeText(event.payload)));
      return;
    }
    this.order.push(event.room, outgoingFrame(encodeText(event.payload)), event.seq);
    if (event.evict) this.onEvict(event.room, event.evict);
  }

  private publish(event: DeliveryEvent, room: string | undefined): void {
    this.bus.publish({ nodeId: this.nodeId, event }).catch((error: unknown) => {
      this.logger.warn({ err: error, room }, 'bus publish failed; other nodes will catch up from the store');
    });
  }

  /** Shutdown: whatever waits for a gap or the end of the task goes out now. */
  flush(): void {
    this.order.flushAll();
    this.hub.flush();
  }
}
