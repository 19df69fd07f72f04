import { Redis } from 'ioredis';
import type { Bus, BusEnvelope } from '../ports/bus.js';

/**
 * The Bus over Redis pub/sub: one channel per deployment (the key prefix). At-most-once: while
 * Redis is unreachable a publish fails at once (no offline queue piling up) and the event is lost;
 * clients repair gaps from the store by seq. ioredis reconnects and resubscribes by itself.
 */
export class RedisBus implements Bus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Set<(envelope: BusEnvelope) => void>();
  private readonly channel: string;

  constructor(url: string, prefix: string) {
    this.channel = `${prefix}:bus`;
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    // Connection errors are expected during an outage; ioredis retries. Never crash the node.
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let envelope: BusEnvelope;
      try {
        envelope = JSON.parse(text) as BusEnvelope;
      } catch {
        return;
      }
      for (const handler of this.handlers) handler(envelope);
    });
  }

  /** Resolves once subscribed, so nothing published after start-up is missed. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  async publish(envelope: BusEnvelope): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  subscribe(handler: (envelope: BusEnvelope) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}
