import { expect, it } from 'vitest';
import { MemoryBus } from '../../src/adapters/bus-memory.js';
import { describeBusContract } from './bus.contract.js';

describeBusContract('memory', () => {
  const bus = new MemoryBus();
  return Promise.resolve({ a: bus, b: bus, dispose: () => bus.close() });
});

it('the memory bus can simulate an outage: publishes fail and nothing is delivered', async () => {
  const bus = new MemoryBus();
  const seen: unknown[] = [];
  bus.subscribe((envelope) => seen.push(envelope));
  bus.failPublishes = true;
  await expect(bus.publish({ nodeId: 'n', event: { kind: 'room', room: 'r', payload: 'x' } })).rejects.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(seen).toEqual([]);
});
