import { MemoryPresence } from '../../src/adapters/presence-memory.js';
import { describePresenceContract } from './presence.contract.js';

describePresenceContract('memory', () => {
  const presence = new MemoryPresence();
  return Promise.resolve({ a: presence, b: presence, dispose: () => presence.close() });
});
