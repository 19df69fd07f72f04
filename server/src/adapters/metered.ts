import type { Bus } from '../ports/bus.js';
import type { Metrics } from '../ports/metrics.js';
import type { Limit, LimitFactory } from '../ports/rate-limiter.js';

/**
 * Wrappers that count what passes through a port, so neither the adapters nor their callers carry
 * metrics code. app.ts puts them around the real adapters when the node exposes metrics.
 */

/** Counts publishes (and their failures) and the envelopes other nodes sent. */
export function meteredBus(bus: Bus, nodeId: string, metrics: Metrics): Bus {
  // One subscription of our own, so an envelope counts once however many handlers see it.
  const unsubscribe = bus.subscribe((envelope) => {
    if (envelope.nodeId !== nodeId) metrics.busReceive(envelope.event.kind);
  });
  return {
    publish: (envelope) =>
      bus.publish(envelope).then(
        () => metrics.busPublish(envelope.event.kind, true),
        (error: unknown) => {
          metrics.busPublish(envelope.event.kind, false);
          throw error;
        },
      ),
    subscribe: (handler) => bus.subscribe(handler),
    close: async () => {
      unsubscribe();
      await bus.close();
    },
  };
}

/** Counts every `consume` a limit refuses, labelled with the limit's name in code. */
export function meteredLimits(factory: LimitFactory, metrics: Metrics): LimitFactory {
  return {
    create(name, spec): Limit {
      const limit = factory.create(name, spec);
      return {
        consume: async (key, points) => {
          const state = await limit.consume(key, points);
          if (!state.allowed) metrics.rateLimited(name);
          return state;
        },
        reward: (key, points) => limit.reward(key, points),
        peek: (key) => limit.peek(key),
        block: (key, seconds) => limit.block(key, seconds),
        reset: (key) => limit.reset(key),
      };
    },
  };
}
