import type { Bus } from '../ports/bus.js';
import type { Logger } from '../ports/logger.js';
import { outgoingFrame } from '../ports/socket.js';
import { encodeText } from './events.js';
import type { LocalHub } from './local-hub.js';

/**
 * Delivers a room event on this node at once, then tells the other nodes through the bus. Local
 * delivery never waits on, or fails with, the bus: a lost bus event is repaired by clients from the
 * store's seq.
 */
export class FanOut {
  constructor(
    private readonly hub: LocalHub,
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {}

  room(room: string, payload: string, seq?: number, exceptConnectionId?: string): void {
    this.hub.broadcast(room, outgoingFrame(encodeText(payload)), seq, exceptConnectionId);
    const event =
      seq === undefined ? { kind: 'room' as const, room, payload } : { kind: 'room' as const, room, payload, seq };
    this.bus.publish({ nodeId: this.nodeId, event }).catch((error: unknown) => {
      this.logger.warn({ err: error, room }, 'bus publish failed; other nodes will catch up from the store');
    });
  }
}
