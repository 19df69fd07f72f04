import type { Watcher } from 'casbin';
import type { Bus } from '../../ports/bus.js';
import type { Logger } from '../../ports/logger.js';

/**
 * Casbin's watcher over our bus: `update` tells the other nodes the rules changed (`authz-changed`),
 * and the callback runs when another node says so. The bus is at-most-once, so a message can be
 * lost: the authorizer also reloads on a timer. A failed publish is logged, never thrown — the
 * change is already in the store and the timer brings it.
 */
export class BusWatcher implements Watcher {
  private callback: () => void = () => undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(({ nodeId, event }) => {
      if (nodeId !== this.nodeId && event.kind === 'authz-changed') this.callback();
    });
  }

  setUpdateCallback(callback: () => void): void {
    this.callback = callback;
  }

  async update(): Promise<boolean> {
    try {
      await this.bus.publish({ nodeId: this.nodeId, event: { kind: 'authz-changed' } });
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, 'authz-changed not published; other nodes reload on their timer');
      return false;
    }
  }

  close(): void {
    this.unsubscribe();
  }
}
