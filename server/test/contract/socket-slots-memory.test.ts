import { MemorySocketSlots } from '../../src/adapters/socket-slots-memory.js';
import { describeSocketSlotsContract } from './socket-slots.contract.js';

describeSocketSlotsContract('memory', () => {
  const slots = new MemorySocketSlots();
  return Promise.resolve({ a: slots, b: slots, dispose: () => slots.close() });
});
