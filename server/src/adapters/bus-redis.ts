import { Redis } from 'ioredis';
import type { Bus, BusEnvelope } from '../ports/bus.js';
import { redisReady } from './redis-ready.js';

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
    const name = (role: string) => `${prefix}:${role}:${process.pid}`;
    this.publisher = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: name('pub'),
    });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, connectionName: name('sub') });
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
    await redisReady(this.publisher);
    // Subscribe only once the connection is ready: a SUBSCRIBE racing ioredis's own start-up
    // commands (ready check, CLIENT SETNAME) puts the connection in subscriber mode too early,
    // those commands fail, and the subscription is lost with the reconnect.
    await redisReady(this.subscriber);
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
