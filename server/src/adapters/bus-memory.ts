import type { Bus, BusEnvelope } from '../ports/bus.js';

/**
 * An in-process Bus. Several nodes in one process may share one instance (tests do), and
 * `failPublishes` simulates a broker outage: publishes reject and nothing is delivered.
 * Delivery is asynchronous (a microtask), as it would be over a network.
 */
export class MemoryBus implements Bus {
  private readonly handlers = new Set<(envelope: BusEnvelope) => void>();
  failPublishes = false;

  publish(envelope: BusEnvelope): Promise<void> {
    if (this.failPublishes) return Promise.reject(new Error('memory bus: publishing disabled'));
    queueMicrotask(() => {
      for (const handler of this.handlers) handler(envelope);
    });
    return Promise.resolve();
  }

  subscribe(handler: (envelope: BusEnvelope) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }
}
