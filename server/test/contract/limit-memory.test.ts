import { MemoryLimitFactory } from '../../src/adapters/rate-limit-memory.js';
import { describeLimitContract } from './limit.contract.js';

describeLimitContract('memory', () => Promise.resolve({ factory: new MemoryLimitFactory(), dispose: async () => {} }));
