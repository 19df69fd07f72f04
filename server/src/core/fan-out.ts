import type { Bus, BusEvent } from '../ports/bus.js';
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
export class FanOut {
  private readonly order: RoomOrder;

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
  room(room: string, payload: string, seq?: number, personal?: PersonalFrame): void {
    this.order.push(room, outgoingFrame(encodeText(payload)), seq, personal);
    const event =
      seq === undefined ? { kind: 'room' as const, room, payload } : { kind: 'room' as const, room, payload, seq };
    this.bus.publish({ nodeId: this.nodeId, event }).catch((error: unknown) => {
      this.logger.warn({ err: error, room }, 'bus publish failed; other nodes will catch up from the store');
    });
  }

  /** A room event another node published. */
  fromBus(event: Extract<BusEvent, { kind: 'room' }>): void {
    this.order.push(event.room, outgoingFrame(encodeText(event.payload)), event.seq);
  }

  /** Shutdown: whatever waits for a gap or the end of the task goes out now. */
  flush(): void {
    this.order.flushAll();
    this.hub.flush();
  }
}
